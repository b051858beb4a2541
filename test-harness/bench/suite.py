#!/usr/bin/env python3
"""Issue 8's benchmark suite: every row of its table, through `alluxio-fuse mount --ufs` over a
directory on tmpfs and on that directory itself (the bare under-store, the baseline), in the same
run, medians of N rounds, with the ratio mount/bare. Run through bin/purefuse-bench.

Speed is only ever reported here, never asserted in tests. Absolute figures on shared 2-core VMs
are noisy: compare the ratios of one run.
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALLUXIO_FUSE = os.path.join(ROOT, "bin", "alluxio-fuse")


# ----------------------------------------------------------------------------- sizes

class Sizes:
    def __init__(self, quick):
        self.seq_mib = 256 if quick else 1024
        self.rand_mib = 128 if quick else 512
        self.rand_seconds = 3 if quick else 10
        self.stat_files = 2000 if quick else 10000
        self.small_files = 500 if quick else 2000
        self.small_kib = 100
        self.write_mib = 128 if quick else 512
        self.rm_files = 2000 if quick else 10000
        self.c_files = 10 if quick else 25
        self.rss_files = 10000 if quick else 100000
        self.rss_stats = 100000 if quick else 1000000
        self.open_files = 1000 if quick else 4000


# ----------------------------------------------------------------------------- mounts

class Target:
    """A place to run a workload: the bare under-store or a mount of it."""

    def __init__(self, name, root, pid=None):
        self.name = name
        self.root = root
        self.pid = pid


def escaped(mp):
    return "-".join(p.replace("%", "%25").replace("-", "%2D") for p in mp.strip("/").split("/"))


def runtime_dir():
    return os.path.join(os.environ.get("XDG_RUNTIME_DIR") or "/tmp", "purefuse")


def mount(ufs, mp, props, opts, java_opts):
    env = dict(os.environ)
    if java_opts:
        env["ALLUXIO_FUSE_JAVA_OPTS"] = java_opts
    cmd = [ALLUXIO_FUSE, "mount", "--ufs", ufs]
    for k, v in props.items():
        cmd += ["-D", f"{k}={v}"]
    for o in opts:
        cmd += ["-o", o]
    cmd.append(mp)
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    ready = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError(f"mount failed: {r.stdout}{r.stderr}")
    with open(os.path.join(runtime_dir(), escaped(mp) + ".pid")) as f:
        pid = int(f.read().strip())
    sup = re.search(r"\(supervisor (\d+),", r.stdout)
    return pid, ready, int(sup.group(1)) if sup else None


def jvm_start():
    """Wall time of `java -version`: one bare JVM start, the unit a mount's start is made of."""
    t0 = time.monotonic()
    subprocess.run(["java", "-Xshare:auto", "-version"], capture_output=True, check=True)
    return time.monotonic() - t0


def unmount(mp):
    subprocess.run([ALLUXIO_FUSE, "unmount", "--timeout", "30s", mp], capture_output=True)
    subprocess.run(["fusermount3", "-u", "-z", mp], capture_output=True)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def set_read_ahead(mp, kb):
    """Raises the mount's bdi read_ahead_kb (the kernel then sends buffered READs up to 1 MiB)."""
    dev = os.stat(mp).st_dev
    path = f"/sys/class/bdi/{os.major(dev)}:{os.minor(dev)}/read_ahead_kb"
    with open(path, "w") as f:
        f.write(str(kb))


# ----------------------------------------------------------------------------- workloads

def fio(args, key):
    r = subprocess.run(["fio", "--output-format=json", "--group_reporting", "--ioengine=psync",
                        "--fallocate=none"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("fio: " + r.stdout[-2000:] + r.stderr[-2000:])
    job = json.loads(r.stdout[r.stdout.index("{"):])["jobs"][0]
    if key == "read_mib":
        return job["read"]["bw_bytes"] / 1048576.0
    if key == "read_iops":
        return job["read"]["iops"]
    if key == "write_mib":
        # includes the final fsync: bytes over the job's whole run time
        return job["write"]["io_bytes"] / 1048576.0 / (job["job_runtime"] / 1000.0)
    raise ValueError(key)


def write_file(path, size, chunk=1 << 20):
    buf = os.urandom(min(chunk, size)) if size else b""
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, len(buf))
            f.write(buf[:n])
            left -= n


def make_files(d, n, size=0):
    os.makedirs(d, exist_ok=True)
    data = os.urandom(size) if size else b""
    names = []
    for i in range(n):
        name = f"f{i:06d}"
        with open(os.path.join(d, name), "wb") as f:
            if data:
                f.write(data)
        names.append(name)
    return names


class Bench:
    def __init__(self, a, sizes):
        self.a = a
        self.s = sizes
        self.seq = 0

    def fresh(self, ufs, tag):
        """A new directory in the under-store: cold for the mount (never looked up before)."""
        self.seq += 1
        rel = f"{tag}-{self.seq}"
        os.makedirs(os.path.join(ufs, rel))
        return rel

    # Each row: (label, unit, higher_is_better, function(target, ufs) -> value)
    def rows(self):
        s = self.s
        return [
            ("seq_direct", f"fio 1 MiB seq read O_DIRECT {s.seq_mib} MiB (MiB/s)", True, self.seq_direct),
            ("seq_buffered", f"fio 1 MiB seq read buffered cold {s.seq_mib} MiB (MiB/s)", True, self.seq_buffered),
            ("randread", f"fio 4 KiB randread O_DIRECT 4 jobs {s.rand_seconds}s (IOPS)", True, self.randread),
            ("stat", f"cold os.stat of {s.stat_files} files (us/file)", False, self.stat),
            ("scandir", f"cold scandir+stat of {s.stat_files} entries (ms)", False, self.scandir),
            ("small", f"{s.small_files} files of {s.small_kib} KiB, random order, 8 threads (files/s)", True, self.small),
            ("open4k", f"open+read+close of {s.open_files} {self.a.open_kib} KiB files, 1 thread (files/s)", True, self.open4k),
            ("write", f"fio 1 MiB seq write + fsync {s.write_mib} MiB (MiB/s)", True, self.write),
            ("rsync", "rsync -a /usr/share/doc (s)", False, self.rsync),
            ("tar", "tar xzf of /usr/share/doc (s)", False, self.tar),
            ("git", "git clone (local, --no-local) of this repository (s)", False, self.git),
            ("make", f"make -j2 of {s.c_files} C files (s)", False, self.make),
            ("rm", f"rm -rf {s.rm_files} files (s)", False, self.rm),
        ]

    def seq_file(self, t, ufs):
        name = "seq.dat"
        p = os.path.join(ufs, name)
        if not os.path.exists(p) or os.path.getsize(p) != self.s.seq_mib << 20:
            write_file(p, self.s.seq_mib << 20)
        return os.path.join(t.root, name)

    def seq_direct(self, t, ufs):
        f = self.seq_file(t, ufs)
        return fio(["--name=r", f"--filename={f}", "--rw=read", "--bs=1M", "--direct=1",
                    f"--size={self.s.seq_mib}M", "--invalidate=1"], "read_mib")

    def seq_buffered(self, t, ufs):
        f = self.seq_file(t, ufs)
        # invalidate=1: fio drops the file's page cache first (POSIX_FADV_DONTNEED), so the
        # mount's cache is cold; the bare tmpfs keeps its pages (they are the file).
        return fio(["--name=r", f"--filename={f}", "--rw=read", "--bs=1M", "--direct=0",
                    f"--size={self.s.seq_mib}M", "--invalidate=1"], "read_mib")

    def randread(self, t, ufs):
        name = "rand.dat"
        p = os.path.join(ufs, name)
        if not os.path.exists(p) or os.path.getsize(p) != self.s.rand_mib << 20:
            write_file(p, self.s.rand_mib << 20)
        return fio(["--name=r", f"--filename={os.path.join(t.root, name)}", "--rw=randread", "--bs=4k",
                    "--direct=1", "--numjobs=4", f"--size={self.s.rand_mib}M", "--time_based",
                    f"--runtime={self.s.rand_seconds}"], "read_iops")

    def stat(self, t, ufs):
        rel = self.fresh(ufs, "stat")
        names = make_files(os.path.join(ufs, rel), self.s.stat_files)
        d = os.path.join(t.root, rel)
        paths = [os.path.join(d, n) for n in names]
        t0 = time.perf_counter()
        for p in paths:
            os.stat(p)
        return (time.perf_counter() - t0) * 1e6 / len(paths)

    def scandir(self, t, ufs):
        rel = self.fresh(ufs, "scan")
        make_files(os.path.join(ufs, rel), self.s.stat_files)
        d = os.path.join(t.root, rel)
        t0 = time.perf_counter()
        n = 0
        with os.scandir(d) as it:
            for e in it:
                e.stat()
                n += 1
        assert n == self.s.stat_files, n
        return (time.perf_counter() - t0) * 1e3

    def small(self, t, ufs):
        rel = self.fresh(ufs, "small")
        names = make_files(os.path.join(ufs, rel), self.s.small_files, self.s.small_kib << 10)
        d = os.path.join(t.root, rel)
        random.shuffle(names)

        def read(n):
            with open(os.path.join(d, n), "rb", buffering=0) as f:
                while f.read(1 << 20):
                    pass

        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            list(ex.map(read, names))
        return len(names) / (time.perf_counter() - t0)

    def open4k(self, t, ufs):
        rel = self.fresh(ufs, "open")
        names = make_files(os.path.join(ufs, rel), self.s.open_files, self.a.open_kib << 10)
        d = os.path.join(t.root, rel)
        paths = [os.path.join(d, n) for n in names]
        for p in paths:  # warm the lookups: this row measures open/read/close only
            os.stat(p)
        t0 = time.perf_counter()
        for p in paths:
            fd = os.open(p, os.O_RDONLY)
            while os.read(fd, 1 << 20):
                pass
            os.close(fd)
        return len(paths) / (time.perf_counter() - t0)

    def write(self, t, ufs):
        rel = self.fresh(ufs, "write")
        f = os.path.join(t.root, rel, "w.dat")
        return fio(["--name=w", f"--filename={f}", "--rw=write", "--bs=1M", f"--size={self.s.write_mib}M",
                    "--end_fsync=1"], "write_mib")

    def timed(self, cmd, cwd=None):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return time.perf_counter() - t0

    def rsync(self, t, ufs):
        if not shutil.which("rsync"):
            return None
        rel = self.fresh(ufs, "rsync")
        return self.timed(["rsync", "-a", "/usr/share/doc/", os.path.join(t.root, rel) + "/"])

    def tarball(self):
        p = os.path.join(self.a.scratch, "doc.tar.gz")
        if not os.path.exists(p):
            subprocess.run(["tar", "czf", p, "-C", "/usr/share", "doc"], check=True)
        return p

    def tar(self, t, ufs):
        tb = self.tarball()
        rel = self.fresh(ufs, "tar")
        return self.timed(["tar", "xzf", tb, "-C", os.path.join(t.root, rel)])

    def git(self, t, ufs):
        if not shutil.which("git"):
            return None
        rel = self.fresh(ufs, "git")
        src = subprocess.run(["git", "-C", ROOT, "rev-parse", "--git-common-dir"], capture_output=True,
                             text=True, check=True).stdout.strip()
        src = os.path.abspath(os.path.join(ROOT, src))
        return self.timed(["git", "clone", "-q", "--no-local", src, os.path.join(t.root, rel, "repo")])

    def make(self, t, ufs):
        if not (shutil.which("make") and shutil.which("gcc")):
            return None
        rel = self.fresh(ufs, "make")
        d = os.path.join(ufs, rel)
        objs = []
        for i in range(self.s.c_files):
            with open(os.path.join(d, f"m{i}.c"), "w") as f:
                f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
                for j in range(40):
                    f.write(f"int fn{i}_{j}(int x) {{ int s = 0; for (int k = 0; k < x; k++) s += k * {j}; return s; }}\n")
                if i == 0:
                    f.write("int main(void) { printf(\"%d\\n\", fn0_1(3)); return 0; }\n")
            objs.append(f"m{i}.o")
        with open(os.path.join(d, "Makefile"), "w") as f:
            f.write(f"prog: {' '.join(objs)}\n\tgcc -o $@ $^\n%.o: %.c\n\tgcc -O2 -c -o $@ $<\n")
        return self.timed(["make", "-s", "-j2"], cwd=os.path.join(t.root, rel))

    def rm(self, t, ufs):
        rel = self.fresh(ufs, "rm")
        base = os.path.join(ufs, rel)
        for k in range(10):
            make_files(os.path.join(base, f"d{k}"), self.s.rm_files // 10, 16)
        return self.timed(["rm", "-rf", os.path.join(t.root, rel)])


# ----------------------------------------------------------------------------- driver

def fmt(v):
    if v is None:
        return "-"
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def main():
    ap = argparse.ArgumentParser(prog="purefuse-bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes: a few minutes in all")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per row; the median is shown (default 3)")
    ap.add_argument("--passthrough", choices=["on", "off", "both"], default="both",
                    help="mount configurations to measure (default both)")
    ap.add_argument("--rows", default="", help="comma separated row keys to run (default all)")
    ap.add_argument("--read-ahead-kb", type=int, default=None,
                    help="pass -o read_ahead_kb=N to the mount (default: the mount's default)")
    ap.add_argument("-o", dest="opts", action="append", default=[], help="extra mount option")
    ap.add_argument("-D", dest="props", action="append", default=[], help="extra Alluxio property KEY=VALUE")
    ap.add_argument("--java-opts", default=os.environ.get("ALLUXIO_FUSE_JAVA_OPTS", ""),
                    help="JVM options for the mount (e.g. JFR: -XX:StartFlightRecording=filename=x.jfr)")
    ap.add_argument("--scratch", default="/dev/shm", help="tmpfs directory for the under-store (default /dev/shm)")
    ap.add_argument("--open-kib", type=int, default=4, help="file size of the open4k row (default 4)")
    ap.add_argument("--no-apps", action="store_true", help="skip rsync/tar/git/make/rm")
    ap.add_argument("--no-other", action="store_true", help="skip mount-ready time and RSS")
    ap.add_argument("--json", help="also write the medians to this file")
    a = ap.parse_args()
    s = Sizes(a.quick)
    a.scratch = tempfile.mkdtemp(prefix="purefuse-bench-", dir=a.scratch)
    bench = Bench(a, s)
    rows = bench.rows()
    if a.rows:
        keep = set(a.rows.split(","))
        rows = [r for r in rows if r[0] in keep]
    if a.no_apps:
        rows = [r for r in rows if r[0] not in ("rsync", "tar", "git", "make", "rm")]
    configs = ["off", "on"] if a.passthrough == "both" else [a.passthrough]
    extra_props = dict(p.split("=", 1) for p in a.props)
    opts = list(a.opts)
    if a.read_ahead_kb is not None:
        opts.append(f"read_ahead_kb={a.read_ahead_kb}")

    results = {}  # row key -> {target name -> [values]}
    other = {}
    ufs = os.path.join(a.scratch, "ufs")
    os.makedirs(ufs)
    mps = {}
    try:
        for c in configs:
            mp = os.path.join(a.scratch, f"mnt-{c}")
            os.makedirs(mp)
            # Symlinks on: /usr/share/doc (rsync, tar) holds some.
            props = {"purefuse.fuse.passthrough.enabled": "true" if c == "on" else "false",
                     "alluxio.fuse.symlink.enabled": "true"}
            props.update(extra_props)
            readies = []
            starts = []
            pid = None
            for i in range(a.rounds if not a.no_other else 1):
                if pid is not None:
                    unmount(mp)
                starts.append(jvm_start())
                pid, ready, sup = mount(ufs, mp, props, opts, a.java_opts)
                readies.append(ready)
            mps[c] = Target(f"passthrough {c}", mp, pid)
            other[f"mount ready, passthrough {c} (s)"] = statistics.median(readies)
            # Baseline of the same moment: a mount starts 3 JVMs (launcher, supervisor, server).
            other[f"one JVM start (java -version), same rounds as passthrough {c} (s)"] = statistics.median(starts)
            if not a.no_other:
                time.sleep(3)
                other[f"idle RSS, passthrough {c} (MiB)"] = rss_mib(pid)
                if sup is not None:
                    other[f"supervisor RSS, passthrough {c} (MiB)"] = rss_mib(sup)
        bare = Target("bare", ufs)
        targets = [bare] + [mps[c] for c in configs]
        for key, label, _, fn in rows:
            results[key] = {}
            for r in range(a.rounds):
                for t in targets:
                    try:
                        v = fn(t, ufs)
                    except Exception as e:  # one failing row must not lose the others
                        v = None
                        msg = getattr(e, "stderr", None)
                        msg = msg.decode(errors="replace") if isinstance(msg, bytes) else (msg or "")
                        print(f"  {key} round {r + 1} {t.name}: FAILED {e} {msg[-400:]}", file=sys.stderr, flush=True)
                    results[key].setdefault(t.name, []).append(v)
                    print(f"  {key} round {r + 1} {t.name}: {fmt(v)}", file=sys.stderr, flush=True)
        if not a.no_other:
            for c in configs:
                t = mps[c]
                rel = bench.fresh(ufs, "rss")
                names = make_files(os.path.join(ufs, rel), s.rss_files)
                d = os.path.join(t.root, rel)
                paths = [os.path.join(d, n) for n in names]
                for i in range(s.rss_stats):
                    os.stat(paths[i % len(paths)])
                other[f"RSS after {s.rss_stats} stats of {s.rss_files} files, passthrough {c} (MiB)"] = rss_mib(t.pid)
    finally:
        for c, t in mps.items():
            unmount(t.root)
        shutil.rmtree(a.scratch, ignore_errors=True)

    names = [t.name for t in targets]
    print()
    print(f"purefuse bench ({'quick' if a.quick else 'full'}, median of {a.rounds} rounds; "
          f"bare = the under-store on tmpfs; ratio = mount / bare, >1 is better)")
    head = f"| row | bare | " + " | ".join(f"{n} | ratio" for n in names[1:]) + " |"
    print(head)
    print("|" + "---|" * (2 + 2 * (len(names) - 1)))
    medians = {}
    for key, label, higher, _ in rows:
        vals = results[key]
        med = {n: (None if any(v is None for v in vals[n]) else statistics.median(vals[n])) for n in names}
        medians[key] = med
        cells = [label, fmt(med["bare"])]
        for n in names[1:]:
            m, b = med[n], med["bare"]
            ratio = None if m is None or b is None or m == 0 else (m / b if higher else b / m)
            cells += [fmt(m), "-" if ratio is None else f"{ratio:.2f}"]
        print("| " + " | ".join(cells) + " |")
    for k, v in other.items():
        print(f"| {k} | {fmt(v)} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": medians, "other": other}, f, indent=1)


if __name__ == "__main__":
    main()
