"""The small vocabulary the POSIX cases are written in.

A case is a function ``case_xxx(t)`` in a category module. It does its operations through the
trial ``t`` it is given; every operation is a *step* with a label, and the trial records what the
step gave: ``"ok"``, a value (bytes read, a size, selected stat fields ...) or the errno name
(``"EEXIST"``). The suite runs each case twice, in a fresh directory of a plain local file system
(the ground truth) and in a fresh directory of the mount, and the case passes when both runs
recorded the same steps with the same results.

A step may say what POSIX promises (``want="EEXIST"``): that is checked against the ground truth
only, so a case cannot pass by failing the same wrong way on both sides.

The working directory is the case's own directory while it runs, and every path a case names is
relative to it: the two runs see paths of the same length (the long-path cases depend on that).
"""

import ctypes
import ctypes.util
import errno
import json
import os
import re
import stat
import time
import traceback

AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
RENAME_NOREPLACE = 1
RENAME_EXCHANGE = 2
UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


def renameat2(old, new, flags):
    """renameat2(2) (Python's os has no flags argument)."""
    if _libc.renameat2(AT_FDCWD, os.fsencode(old), AT_FDCWD, os.fsencode(new), ctypes.c_uint(flags)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), old)


def utimensat(path, atime, mtime, flags=0):
    """utimensat(2) with (sec, nsec) pairs, UTIME_NOW or UTIME_OMIT in nsec (os.utime cannot say OMIT)."""
    ts = (_Timespec * 2)(_Timespec(*atime), _Timespec(*mtime))
    if _libc.utimensat(AT_FDCWD, os.fsencode(path), ts, ctypes.c_int(flags)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), path)


def errname(e):
    if not isinstance(e, OSError):
        return None
    if e.errno == errno.EOPNOTSUPP:  # == ENOTSUP on Linux; the name the kernel and our VFS use
        return "EOPNOTSUPP"
    return errno.errorcode.get(e.errno, "errno%d" % e.errno)


_TYPES = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "symlink", stat.S_IFIFO: "fifo",
          stat.S_IFCHR: "chardev", stat.S_IFBLK: "blockdev", stat.S_IFSOCK: "socket"}


def describe_stat(st, fields):
    """The named fields of a stat result, as JSON-friendly values."""
    out = {}
    for f in fields:
        if f == "type":
            out[f] = _TYPES.get(stat.S_IFMT(st.st_mode), oct(stat.S_IFMT(st.st_mode)))
        elif f == "mode":
            out[f] = oct(stat.S_IMODE(st.st_mode))
        elif f in ("atime", "mtime"):
            out[f] = getattr(st, "st_" + f + "_ns")
        else:
            out[f] = getattr(st, "st_" + f)
    return out


class SuiteError(Exception):
    """A case that is wrong itself (the ground truth disagrees with its stated expectation)."""


class Trial:
    """One run of a case in one directory (the ground truth's or the mount's)."""

    def __init__(self, root, side, uids):
        self.root = root
        self.side = side  # "ref" or "mnt"
        self.uids = uids  # (uid_a, gid_a, uid_b, gid_b): two unprivileged users
        self.steps = []  # [label, result]
        self.suite_errors = []
        self._fds = []

    # ------------------------------------------------------------------ the one primitive
    def step(self, label, fn, want=None, record=None):
        """Runs fn(); records its value (None -> "ok"; record(value) if given) or the errno it
        raised; returns the value. Long names in the label are abbreviated (n*255)."""
        label = short(label)
        value = None
        try:
            value = fn()
            result = "ok" if value is None else value if record is None else record(value)
        except OSError as e:
            result = errname(e)
        except Exception as e:  # a bug in the case itself: make it loud, never a pass
            result = "PYTHON-ERROR " + type(e).__name__ + ": " + str(e)
            self.suite_errors.append(label + ": " + traceback.format_exc(limit=3))
        if isinstance(result, bytes):
            result = "bytes:" + (result.decode("latin-1") if len(result) <= 64 else "%d bytes sha %s" % (
                len(result), __import__("hashlib").sha1(result).hexdigest()[:12]))
        self.steps.append([label, result])
        if want is not None and self.side == "ref" and result != want:
            self.suite_errors.append("%s: POSIX says %r, the ground truth gave %r" % (label, want, result))
        return value

    # ------------------------------------------------------------------ helpers (each one step)
    def open(self, path, flags, mode=0o644, want=None):
        fd = self.step("open(%s, %s%s)" % (path, flagnames(flags), ", 0%o" % mode if flags & os.O_CREAT else ""),
                       lambda: os.open(path, flags, mode), want="ok" if want is None else want,
                       record=lambda fd: "ok")
        if isinstance(fd, int):
            self._fds.append(fd)
            return fd
        return None

    def close(self, fd, want="ok"):
        if fd is None:
            return
        if fd in self._fds:
            self._fds.remove(fd)
        self.step("close", lambda: os.close(fd), want=want)

    def write(self, fd, data, want=None):
        return self.step("write(%d bytes)" % len(data), lambda: _need_fd(fd) and os.write(fd, data), want=want)

    def pwrite(self, fd, data, offset, want=None):
        return self.step("pwrite(%d bytes at %d)" % (len(data), offset),
                         lambda: _need_fd(fd) and os.pwrite(fd, data, offset), want=want)

    def read_fd(self, fd, n, offset, want=None):
        return self.step("pread(%d at %d)" % (n, offset), lambda: _need_fd(fd) and os.pread(fd, n, offset), want=want)

    def make_file(self, path, data=b"", mode=0o644):
        """Creates (or replaces) a file with these bytes: open, write, close as separate steps."""
        fd = self.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        if data:
            self.write(fd, data, want=len(data))
        self.close(fd)

    def contents(self, path, want=None):
        def rd():
            with open(path, "rb") as f:
                return f.read()
        return self.step("contents(%s)" % path, rd, want=want)

    def stat(self, path, *fields, want=None):
        fields = fields or ("type", "mode", "size")
        return self.step("stat(%s) %s" % (path, ",".join(fields)),
                         lambda: describe_stat(os.stat(path), fields), want=want)

    def lstat(self, path, *fields, want=None):
        fields = fields or ("type", "mode", "size")
        return self.step("lstat(%s) %s" % (path, ",".join(fields)),
                         lambda: describe_stat(os.lstat(path), fields), want=want)

    def fstat(self, fd, *fields, want=None):
        fields = fields or ("type", "mode", "size")
        return self.step("fstat %s" % ",".join(fields), lambda: describe_stat(os.fstat(_need_fd(fd) and fd), fields),
                         want=want)

    def exists(self, path):
        return self.step("exists(%s)" % path, lambda: os.path.lexists(path))

    def listdir(self, path="."):
        return self.step("listdir(%s)" % path, lambda: sorted(os.listdir(path)))

    def mkdir(self, path, mode=0o755, want=None):
        return self.step("mkdir(%s, 0%o)" % (path, mode), lambda: os.mkdir(path, mode), want=want)

    def rmdir(self, path, want=None):
        return self.step("rmdir(%s)" % path, lambda: os.rmdir(path), want=want)

    def unlink(self, path, want=None):
        return self.step("unlink(%s)" % path, lambda: os.unlink(path), want=want)

    def rename(self, old, new, flags=0, want=None):
        names = {0: "", RENAME_NOREPLACE: ", RENAME_NOREPLACE", RENAME_EXCHANGE: ", RENAME_EXCHANGE"}
        if flags:
            return self.step("renameat2(%s, %s%s)" % (old, new, names.get(flags, ", 0x%x" % flags)),
                             lambda: renameat2(old, new, flags), want=want)
        return self.step("rename(%s, %s)" % (old, new), lambda: os.rename(old, new), want=want)

    def chmod(self, path, mode, want=None):
        return self.step("chmod(%s, 0%o)" % (path, mode), lambda: os.chmod(path, mode), want=want)

    def chown(self, path, uid, gid, want=None, follow=True):
        name = "chown" if follow else "lchown"
        return self.step("%s(%s, %d, %d)" % (name, path, uid, gid),
                         lambda: os.chown(path, uid, gid, follow_symlinks=follow), want=want)

    def truncate(self, path, size, want=None):
        return self.step("truncate(%s, %d)" % (path, size), lambda: os.truncate(path, size), want=want)

    def ftruncate(self, fd, size, want=None):
        return self.step("ftruncate(%d)" % size, lambda: _need_fd(fd) and os.ftruncate(fd, size), want=want)

    def symlink(self, target, path, want=None):
        return self.step("symlink(%s -> %s)" % (path, target), lambda: os.symlink(target, path), want=want)

    def readlink(self, path, want=None):
        return self.step("readlink(%s)" % path, lambda: os.readlink(path), want=want)

    def utimens(self, path, atime, mtime, flags=0, want=None):
        def show(ts):
            return {UTIME_NOW: "NOW", UTIME_OMIT: "OMIT"}.get(ts[1], "%d.%09d" % ts)
        return self.step("utimensat(%s, %s, %s%s)" % (path, show(atime), show(mtime),
                                                      ", AT_SYMLINK_NOFOLLOW" if flags & AT_SYMLINK_NOFOLLOW else ""),
                         lambda: utimensat(path, atime, mtime, flags), want=want)

    def as_user(self, who, label, fn):
        """Runs fn(t) in a child process as user "a" or "b" (setgroups([]), setgid, setuid after
        fork); its steps are recorded here with the user in their labels."""
        uid, gid = (self.uids[0], self.uids[1]) if who == "a" else (self.uids[2], self.uids[3])
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never return into the suite
            os.close(r)
            child = Trial(self.root, self.side, self.uids)
            try:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
                fn(child)
            except BaseException:
                child.suite_errors.append(label + ": " + traceback.format_exc(limit=3))
            finally:
                child.close_all()
                with os.fdopen(w, "w") as out:
                    json.dump({"steps": child.steps, "errors": child.suite_errors}, out)
                os._exit(0)
        os.close(w)
        with os.fdopen(r) as inp:
            data = inp.read()
        os.waitpid(pid, 0)
        got = json.loads(data) if data else {"steps": [], "errors": [label + ": child died"]}
        for s in got["steps"]:
            self.steps.append(["[user %s] %s" % (who, s[0]), s[1]])
        self.suite_errors.extend(got["errors"])

    def close_all(self):
        for fd in list(self._fds):
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = []


def short(text):
    """Abbreviates runs of one character longer than 16 (a name of 255 n's reads n*255)."""
    return re.sub(r"(.)\1{16,}", lambda m: "%s*%d" % (m.group(1), len(m.group(0))), text)


def _need_fd(fd):
    if fd is None:
        raise OSError(errno.EBADF, "no file: the open before failed")
    return True


def flagnames(flags):
    names = []
    acc = flags & os.O_ACCMODE
    names.append({os.O_RDONLY: "O_RDONLY", os.O_WRONLY: "O_WRONLY", os.O_RDWR: "O_RDWR"}[acc])
    for n in ("O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_DIRECTORY", "O_NOFOLLOW", "O_TMPFILE"):
        v = getattr(os, n)
        if n == "O_TMPFILE":
            if flags & v == v:
                names = [x for x in names if x != "O_DIRECTORY"] + [n]
        elif flags & v:
            names.append(n)
    return "|".join(names)


def now_close(ns, slack_s=10):
    """True when a time in ns is within slack_s seconds of now (for UTIME_NOW and fresh files)."""
    return abs(time.time_ns() - ns) < slack_s * 1_000_000_000
