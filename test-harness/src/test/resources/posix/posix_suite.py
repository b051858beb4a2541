#!/usr/bin/env python3
"""POSIX conformance by category: the same cases on a plain directory and on a mount, compared.

    posix_suite.py --backend local --ref /tmp/ref --mnt /mnt/x [--fs-root /mnt/x] \
                   [--categories open,rename] [--table out.md] [--json out.json]

For every case of every category (the cat_*.py modules, in CATEGORIES order) it runs the case in
<ref>/<category>/<case> and in <mnt>/<category>/<case> and compares the recorded steps. The
result of a case is one of
  pass       both sides recorded the same steps with the same results;
  refused    the mount differs exactly as a refusal of declared.py says for this backend (it
             follows from Alluxio's design);
  known gap  the mount differs exactly as a known gap of declared.py says (not fixed yet);
  FAIL       anything else: an undeclared difference, a declared difference that no longer occurs
             or occurs otherwise, or a case whose ground truth contradicts its stated POSIX rule.
Exit status 0 when nothing failed. Must run as root (cases switch to two unprivileged users).
"""

import argparse
import importlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import declared as declared_mod  # noqa: E402
from posixlib import Trial  # noqa: E402

# (module, title in the table)
CATEGORIES = [
    ("cat_open", "open and create"),
    ("cat_mkdir", "mkdir"),
    ("cat_rmdir", "rmdir"),
    ("cat_unlink", "unlink"),
    ("cat_rename", "rename"),
    ("cat_truncate", "truncate and ftruncate"),
    ("cat_chmod", "chmod"),
    ("cat_chown", "chown"),
    ("cat_symlink", "symlink, readlink, lstat"),
    ("cat_utimens", "utimensat"),
    ("cat_permissions", "permissions (other uids, default_permissions)"),
    ("cat_long_paths", "long paths and names"),
    ("cat_special", "special files and hard links"),
]

USERS = (4321, 4321, 4322, 4322)  # (uid a, gid a, uid b, gid b): no names needed


def cases_of(module):
    """The case functions of a category module, in source order: (name, title, fn)."""
    out = []
    for name, fn in vars(module).items():
        if name.startswith("case_") and callable(fn):
            out.append((name[len("case_"):], (fn.__doc__ or name).strip().splitlines()[0], fn))
    out.sort(key=lambda c: c[2].__code__.co_firstlineno)
    return out


def run_side(base, side, category, case_name, fn, fs_root):
    root = os.path.join(base, category, case_name)
    os.makedirs(root, mode=0o755)
    os.chmod(root, 0o755)
    t = Trial(root, side, USERS)
    t.fs_root = fs_root
    os.umask(0o022)
    os.chdir(root)
    try:
        fn(t)
    finally:
        t.close_all()
        os.chdir("/")
    return t


def compare(ref, mnt):
    """Index of the first step where the two runs differ, or None when they agree."""
    for i in range(max(len(ref), len(mnt))):
        if i >= len(ref) or i >= len(mnt) or ref[i] != mnt[i]:
            return i
    return None


def show(steps, i):
    return "%s -> %r" % (steps[i][0], steps[i][1]) if i < len(steps) else "(no step)"


def judge(ref, mnt, decl):
    """(status, detail) of one case; decl is the CaseDeclaration for this backend or None."""
    if ref.suite_errors:
        return "FAIL", "case error: " + "; ".join(ref.suite_errors)
    if mnt.suite_errors and not decl:
        return "FAIL", "case error on the mount: " + "; ".join(mnt.suite_errors)
    r, m = ref.steps, mnt.steps
    first = compare(r, m)
    if decl is None:
        if first is None:
            return "pass", ""
        return "FAIL", "step %d differs: ground truth %s | mount %s" % (first, show(r, first), show(m, first))
    if first is None:
        return "FAIL", "declared %s '%s' no longer differs: remove the declaration" % (decl.kind, decl.name)
    if decl.at is not None:
        # identical up to the refused step, which gives exactly the declared errno; the rest of
        # the case depends on what was refused and is not compared.
        if r[first][0] != decl.at:
            return "FAIL", "declared '%s' at '%s', but step %d differs first: ground truth %s | mount %s" % (
                decl.name, decl.at, first, show(r, first), show(m, first))
        if m[first][1] != decl.errno:
            return "FAIL", "declared '%s': %s -> %s, mount gave %r" % (decl.name, decl.at, decl.errno, m[first][1])
        return decl.status, "%s: %s -> %s" % (decl.name, decl.at, decl.errno)
    # exact replacements: the mount equals the ground truth with these step results replaced
    expected = []
    for label, res in r:
        want = decl.steps.get(label, res)
        expected.append([label, want(res) if callable(want) else want])
    for i in range(max(len(expected), len(m))):
        if i >= len(expected) or i >= len(m) or expected[i][0] != m[i][0] \
                or not declared_mod.matches(expected[i][1], m[i][1]):
            return "FAIL", "declared %s '%s': step %d expected %s | mount %s" % (
                decl.kind, decl.name, i, show(expected, i), show(m, i))
    return decl.status, decl.name + ": " + ", ".join(decl.steps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--mnt", required=True)
    ap.add_argument("--fs-root", help="the mount point itself (rmdir of a mount root)")
    ap.add_argument("--categories", help="comma-separated module names (cat_open,...), default all")
    ap.add_argument("--table", help="write the markdown table here")
    ap.add_argument("--json", help="write every case's result here")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("posix suite: must run as root (cases switch users)", file=sys.stderr)
        return 2
    wanted = set(args.categories.split(",")) if args.categories else None
    decls = declared_mod.for_backend(args.backend)
    used = set()
    declared_seen = []
    rows, results, failures = [], [], []
    t0 = time.monotonic()
    for module_name, title in CATEGORIES:
        if wanted and module_name not in wanted:
            continue
        module = importlib.import_module(module_name)
        category = module_name[len("cat_"):]
        counts = {"pass": 0, "refused": 0, "known gap": 0, "FAIL": 0}
        named = []
        for case_name, case_title, fn in cases_of(module):
            ref = run_side(args.ref, "ref", category, case_name, fn, "/")
            t_mnt = time.monotonic()
            mnt = run_side(args.mnt, "mnt", category, case_name, fn, args.fs_root or args.mnt)
            mnt_ms = int((time.monotonic() - t_mnt) * 1000)
            decl = decls.get((category, case_name))
            if decl:
                used.add((category, case_name))
            status, detail = judge(ref, mnt, decl)
            if status in ("refused", "known gap"):
                declared_seen.append(decl.decl)
            counts[status] += 1
            if status in ("refused", "known gap"):
                named.append((status, decl.name))
            results.append({"category": category, "case": case_name, "title": case_title, "status": status,
                            "detail": detail, "mount_ms": mnt_ms, "ref": ref.steps, "mnt": mnt.steps})
            line = "%-9s %s/%s  %s" % (status, category, case_name, detail)
            print(line, flush=True)
            if status == "FAIL":
                failures.append(line)
        total = sum(counts.values())
        rows.append((title, counts["pass"], total, counts["refused"], counts["known gap"], counts["FAIL"],
                     sorted(set(n for s, n in named if s == "refused")),
                     sorted(set(n for s, n in named if s == "known gap"))))
    for key in sorted(set(decls) - used):
        if not wanted or ("cat_" + key[0]) in wanted:
            failures.append("FAIL      declaration for a case that does not exist: %s/%s" % key)
    elapsed = time.monotonic() - t0
    table = render(args.backend, rows, elapsed, declared_seen)
    print(table)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if failures:
        print("\n%d FAILED:" % len(failures))
        for f in failures:
            print("  " + f)
        return 1
    return 0


def _count(n, names):
    return "%d (%s)" % (n, ", ".join(names)) if n else "-"


def render(backend, rows, elapsed, declared):
    out = ["### POSIX table: %s" % backend, "",
           "| category | passed / total | declared refusals | known gaps | failed |",
           "|---|---|---|---|---|"]
    tp = tt = tr = tg = tf = 0
    for title, passed, total, refused, gaps, failed, ref_names, gap_names in rows:
        out.append("| %s | %d / %d | %s | %s | %s |" % (
            title, passed, total, _count(refused, ref_names), _count(gaps, gap_names), failed or "-"))
        tp, tt, tr, tg, tf = tp + passed, tt + total, tr + refused, tg + gaps, tf + failed
    out.append("| **all** | **%d / %d** | %d | %d | %d |" % (tp, tt, tr, tg, tf))
    out.append("")
    out.append("(%d cases on each side in %.1f s)" % (tt, elapsed))
    seen = []
    for d in declared:
        if d not in seen:
            seen.append(d)
    if seen:
        out.append("")
        out.append("Declared differences on %s:" % backend)
        out.append("")
        for d in seen:
            out.append("- **%s** (%s, %s): %s" % (d.name, d.kind, ", ".join(d.cases()), d.reason))
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
