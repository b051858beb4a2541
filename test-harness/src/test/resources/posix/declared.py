"""Where the mount is allowed to differ from the ground truth, per backend, and why.

Two kinds:
  refusal    follows from Alluxio's design (no hard links, no special files, ...): the mount
             refuses the operation with the errno named here, and that is checked exactly.
  known gap  a difference we have not fixed yet; listed so that it stays visible.

A declaration either names the step that is refused (``at`` + ``errno``: the runs must agree up
to that step, the mount must give exactly that errno there, and the rest of the case, which
depends on the refused operation, is not compared), or gives exact replacement results for some
steps (``steps``: the mount must equal the ground truth with just those results replaced; a value
may be a function of the ground truth's result).

A declaration that no longer matches a difference fails the suite, so this file stays true.

Backends: "local" (the VFS over a local UFS, random access on), "local-sequential" (the same with
the default sequential-only writes) and "cluster" (a 3-worker cluster, random access on).
"""

import time

LOCAL = ("local", "local-sequential")
ALL = ("local", "local-sequential", "cluster")
SEQUENTIAL = ("local-sequential",)
CLUSTER = ("cluster",)


class Declaration:
    """A named difference, for some backends, in some cases.

    at:    {"category/case": "label of the refused step"} with errno: the runs agree up to that
           step, the mount gives exactly errno there, and later steps are not compared.
    steps: {"category/case": {"label": expected}}: the mount equals the ground truth with those
           results replaced; expected may be a value, a Matcher, or a function of the ground
           truth's result (applied to every step with that label).
    """

    def __init__(self, name, kind, backends, reason, errno=None, at=None, steps=None):
        assert kind in ("refusal", "known gap")
        assert (at is None) != (steps is None), name
        assert (errno is None) == (at is None), name  # errno: what the mount gives there ("ok" too)
        self.name, self.kind, self.backends, self.reason = name, kind, backends, reason
        self.errno, self.at, self.steps = errno, at or {}, steps or {}
        self.status = "refused" if kind == "refusal" else "known gap"

    def cases(self):
        return sorted(set(self.at) | set(self.steps))


class CaseDeclaration:
    """One declaration as it applies to one case."""

    def __init__(self, decl, case):
        self.decl = decl
        self.name, self.kind, self.status = decl.name, decl.kind, decl.status
        self.at = decl.at.get(case)
        self.errno = decl.errno
        self.steps = decl.steps.get(case)


class Matcher:
    """An expected value that is not a constant (a time that is "now")."""

    def __init__(self, description, test):
        self.description, self.test = description, test

    def matches(self, value):
        return self.test(value)

    def __repr__(self):
        return "<%s>" % self.description


def matches(expected, actual):
    if isinstance(expected, Matcher):
        return expected.matches(actual)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(matches(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(matches(e, a) for e, a in zip(expected, actual))
    return expected == actual


NOW = Matcher("about now", lambda v: isinstance(v, int) and abs(time.time_ns() - v) < 120 * 1_000_000_000)

DECLARATIONS = []


def refusal(name, backends, reason, **how):
    DECLARATIONS.append(Declaration(name, "refusal", backends, reason, **how))


def known_gap(name, backends, reason, **how):
    DECLARATIONS.append(Declaration(name, "known gap", backends, reason, **how))


def for_backend(backend):
    """{(category, case): CaseDeclaration} for one backend."""
    out = {}
    for d in DECLARATIONS:
        if backend in d.backends:
            for c in d.cases():
                key = tuple(c.split("/"))
                assert key not in out, "two declarations for %s on %s" % (c, backend)
                out[key] = CaseDeclaration(d, c)
    return out


# ---------------------------------------------------------------------------------------------
# Refusals that follow from Alluxio's design
# ---------------------------------------------------------------------------------------------

refusal(
    "no hard links", ALL,
    "Alluxio has one name per file: link(2) answers EPERM, as on file systems without hard links.",
    errno="EPERM", at={"special/hard_link": "link(f, g)"})

refusal(
    "no special files", ALL,
    "Alluxio stores files and directories only: mknod(2) of a FIFO, device or socket (also bind(2) "
    "of a unix socket) answers EPERM; mknod of a regular file works.",
    errno="EPERM", at={
        "special/fifo": "mkfifo(p)",
        "special/char_device": "mknod(null, S_IFCHR, 1:3)",
        "special/unix_socket": "bind(AF_UNIX, sock)",
    })

refusal(
    "no O_TMPFILE", ALL,
    "An unnamed file cannot exist in Alluxio's namespace: TMPFILE is not implemented (ENOSYS), and "
    "the kernel then answers open(O_TMPFILE) with EOPNOTSUPP.",
    errno="EOPNOTSUPP", at={"special/tmpfile": "open(., O_RDWR|O_TMPFILE)"})

# ---------------------------------------------------------------------------------------------
# The sequential-write default (alluxio.user.fuse.random.access.file.stream.enabled=false)
# ---------------------------------------------------------------------------------------------

SEQUENTIAL_REASON = (
    "Alluxio's default: a file is written once, from offset 0, by one writer (new or O_TRUNC). A write "
    "anywhere else, and truncate or ftruncate to a size other than 0 or the current size, answer "
    "EOPNOTSUPP; mount with random access (alluxio.user.fuse.random.access.file.stream.enabled=true) "
    "to allow them.")

refusal(
    "sequential writes only", SEQUENTIAL, SEQUENTIAL_REASON, errno="EOPNOTSUPP", at={
        "open/append": "write(3 bytes)",
        "open/create_with_append": "write(3 bytes)",
        "open/overwrite_in_place": "pwrite(2 bytes at 3)",
        "truncate/truncate_down": "truncate(f, 4)",
        "truncate/truncate_up": "truncate(f, 8)",
        "truncate/truncate_down_then_up": "truncate(f, 2)",
        "truncate/ftruncate_down_and_up": "ftruncate(3)",
        "truncate/ftruncate_while_writing": "ftruncate(4)",
        "truncate/hole_by_writing_past_the_end": "pwrite(4 bytes at 1048576)",
        "truncate/hole_by_truncate_on_a_new_file": "ftruncate(4096)",
    })

# ---------------------------------------------------------------------------------------------
# Through Alluxio workers (a 3-worker cluster, random access on)
# ---------------------------------------------------------------------------------------------

WORKER_WRITE_REASON = (
    "An Alluxio 3.x worker writes a file whole and in order (CreateFile, WriteBlock, CompleteFile) "
    "and has no random-write or truncate call: through workers every file is written sequentially "
    "even with random access on, so opening an existing file for writing without O_TRUNC, appending, "
    "writing or truncating anywhere but at the end, and reading a file while it is being written "
    "answer EOPNOTSUPP.")

refusal(
    "sequential writes only (workers)", CLUSTER, WORKER_WRITE_REASON, errno="EOPNOTSUPP", at={
        "open/append": "open(f, O_WRONLY|O_APPEND)",
        "open/create_with_append": "open(f, O_WRONLY|O_CREAT|O_APPEND, 0644)",
        "open/overwrite_in_place": "open(f, O_WRONLY)",
        "open/read_write_same_descriptor": "pread(100 at 0)",
        "open/wrong_access_mode": "open(f, O_WRONLY)",
        "truncate/truncate_down": "truncate(f, 4)",
        "truncate/truncate_up": "truncate(f, 8)",
        "truncate/truncate_down_then_up": "truncate(f, 2)",
        "truncate/ftruncate_down_and_up": "open(f, O_RDWR)",
        "truncate/ftruncate_while_writing": "ftruncate(4)",
        "truncate/hole_by_writing_past_the_end": "pwrite(4 bytes at 1048576)",
        "truncate/hole_by_truncate_on_a_new_file": "ftruncate(4096)",
    })

refusal(
    "no symlinks (workers)", CLUSTER,
    "An Alluxio 3.x worker has no call that makes a symbolic link: symlink(2) answers EOPNOTSUPP.",
    errno="EOPNOTSUPP", at={
        "symlink/symlink_to_file": "symlink(link -> target)",
        "symlink/symlink_dangling": "symlink(link -> nowhere)",
        "symlink/symlink_absolute_and_long_targets": "symlink(abs -> /no/such/absolute/path)",
        "symlink/symlink_to_directory": "symlink(ld -> dir)",
        "symlink/symlink_errors": "symlink(link -> f)",
        "symlink/symlink_unlink_and_rename": "symlink(link -> target)",
        "symlink/symlink_chmod_follows": "symlink(link -> target)",
        "symlink/symlink_lchown": "symlink(link -> target)",
        "utimens/on_symlink_nofollow": "symlink(link -> target)",
        "utimens/on_symlink_follow": "symlink(link -> target)",
    })

refusal(
    "no RENAME_EXCHANGE (workers)", CLUSTER,
    "Alluxio's Rename has no exchange: renameat2(RENAME_EXCHANGE) answers EINVAL, as a local file "
    "system without the flag does. RENAME_NOREPLACE works (the VFS checks that the "
    "target is free first: not atomic against another client).",
    errno="EINVAL", at={
        "rename/rename_exchange_files": "renameat2(a, b, RENAME_EXCHANGE)",
        "rename/rename_exchange_file_and_directory": "renameat2(f, d, RENAME_EXCHANGE)",
    })


def _rwx_only(res):
    """the rwx bits only"""
    return {"mode": oct(int(res["mode"], 8) & 0o777)}


refusal(
    "rwx bits only (workers)", CLUSTER,
    "Alluxio's PMode carries the nine rwx bits and nothing else: chmod through a worker keeps them and "
    "drops set-user-ID, set-group-ID and sticky without an error (so a sticky directory is not "
    "sticky through a cluster).",
    steps={
        "chmod/chmod_directory": {"stat(d) mode": _rwx_only},
        "chmod/chmod_special_bits": {"stat(f) mode": _rwx_only},
    })

TIMES_REASON = (
    "Alluxio's SetAttribute carries no times: utimensat "
    "succeeds and changes nothing, so touch, cp -p and rsync keep working; mtime stays the time of "
    "the last write, and there is no separate atime (it reads as mtime).")


def _now_times(res):
    """the time of the last write"""
    return {k: NOW for k in res}


refusal(
    "times cannot be set (workers)", CLUSTER, TIMES_REASON, steps={
        "utimens/explicit_times_with_nanoseconds": {"stat(f) atime,mtime": _now_times},
        "utimens/explicit_whole_seconds": {"stat(f) atime,mtime": _now_times, "stat(d) mtime": _now_times},
        "utimens/utime_omit_atime": {"stat(f) atime,mtime": _now_times},
        "utimens/utime_omit_mtime": {"stat(f) atime,mtime": _now_times},
        "utimens/utime_now_and_omit": {"atime kept, mtime now": [False, True]},
    })

# ---------------------------------------------------------------------------------------------
# Known gaps
# ---------------------------------------------------------------------------------------------

known_gap(
    "new entries belong to root (workers)", CLUSTER,
    "CreateFile and CreateDirectory carry no owner, and our worker applies the WriteBlock's "
    "owner/group only when it creates the file itself: files and directories another user makes "
    "through a cluster belong to the worker's user (root here). Fix: send SetAttribute(owner, group) "
    "after a create by another uid, as Alluxio's FUSE does, or have the worker apply the WriteBlock's "
    "owner to the file CreateFile opened.",
    steps={"permissions/new_entries_belong_to_the_caller": {
        "[user a] stat(rw/new) uid,gid,mode": {"uid": 0, "gid": 0, "mode": "0o644"},
        "[user a] stat(rw/newdir) uid,gid,mode": {"uid": 0, "gid": 0, "mode": "0o755"},
    }})

known_gap(
    "open files are read by name (workers)", CLUSTER,
    "A reader through a worker reads the file by its path, chunk by chunk: after the file is "
    "unlinked its descriptor reads ENOENT, and after another file is renamed over it the descriptor "
    "reads the new file. A local file system keeps reading the old inode.",
    steps={
        "unlink/unlink_open_file": {"pread(100 at 0)": "ENOENT"},
        "rename/rename_over_open_file": {"pread(10 at 0)": "bytes:new"},
    })

known_gap(
    "sticky directories are not sticky (workers)", CLUSTER,
    "Follows from 'rwx bits only': the sticky bit of a 1777 directory is dropped, so any user who may "
    "write the directory may unlink or rename another user's file in it (the kernel checks the mode "
    "we report). A shared /tmp-like directory on a cluster mount is not protected.",
    errno="ok", at={"permissions/sticky_directory": "[user b] unlink(tmp/a_file)"})
