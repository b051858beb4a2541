"""utimensat(2): explicit times with nanoseconds, UTIME_NOW, UTIME_OMIT, AT_SYMLINK_NOFOLLOW."""

import os

from posixlib import AT_SYMLINK_NOFOLLOW, UTIME_NOW, UTIME_OMIT, describe_stat, now_close

A = (1_000_000_000, 123_456_789)  # 2001-09-09, with nanoseconds
M = (1_200_000_000, 987_654_321)  # 2008-01-10
OLD = (946_684_800, 0)  # 2000-01-01, whole seconds


def times(t, path, follow=True):
    st = os.stat(path) if follow else os.lstat(path)
    return st.st_atime_ns, st.st_mtime_ns


def case_explicit_times_with_nanoseconds(t):
    """both times set exactly, nanoseconds included"""
    t.make_file("f")
    t.utimens("f", A, M, want="ok")
    t.stat("f", "atime", "mtime", want={"atime": 1_000_000_000_123_456_789, "mtime": 1_200_000_000_987_654_321})


def case_explicit_whole_seconds(t):
    """times in whole seconds, on a file and on a directory"""
    t.make_file("f")
    t.utimens("f", OLD, OLD, want="ok")
    t.stat("f", "atime", "mtime", want={"atime": 946_684_800_000_000_000, "mtime": 946_684_800_000_000_000})
    t.mkdir("d")
    t.utimens("d", OLD, OLD, want="ok")
    t.stat("d", "mtime", want={"mtime": 946_684_800_000_000_000})


def case_utime_now(t):
    """UTIME_NOW sets both times to the current time"""
    t.make_file("f")
    t.utimens("f", OLD, OLD)
    t.utimens("f", (0, UTIME_NOW), (0, UTIME_NOW), want="ok")
    t.step("atime and mtime are now", lambda: [now_close(x) for x in times(t, "f")], want=[True, True])


def case_utime_omit_atime(t):
    """UTIME_OMIT on atime keeps it while mtime is set"""
    t.make_file("f")
    t.utimens("f", OLD, OLD)
    t.utimens("f", (0, UTIME_OMIT), M, want="ok")
    t.stat("f", "atime", "mtime", want={"atime": 946_684_800_000_000_000, "mtime": 1_200_000_000_987_654_321})


def case_utime_omit_mtime(t):
    """UTIME_OMIT on mtime keeps it while atime is set"""
    t.make_file("f")
    t.utimens("f", OLD, OLD)
    t.utimens("f", A, (0, UTIME_OMIT), want="ok")
    t.stat("f", "atime", "mtime", want={"atime": 1_000_000_000_123_456_789, "mtime": 946_684_800_000_000_000})


def case_utime_now_and_omit(t):
    """mtime UTIME_NOW with atime UTIME_OMIT"""
    t.make_file("f")
    t.utimens("f", OLD, OLD)
    t.utimens("f", (0, UTIME_OMIT), (0, UTIME_NOW), want="ok")
    t.step("atime kept, mtime now",
           lambda: [times(t, "f")[0] == 946_684_800_000_000_000, now_close(times(t, "f")[1])], want=[True, True])


def case_touch_without_times(t):
    """utime(path, NULL), as touch does: both times now"""
    t.make_file("f")
    t.utimens("f", OLD, OLD)
    t.step("utime(f, NULL)", lambda: os.utime("f"), want="ok")
    t.step("atime and mtime are now", lambda: [now_close(x) for x in times(t, "f")], want=[True, True])


def case_on_symlink_nofollow(t):
    """AT_SYMLINK_NOFOLLOW sets the link's own times and leaves the target's"""
    t.make_file("target")
    t.utimens("target", OLD, OLD)
    t.symlink("target", "link")
    t.utimens("link", A, M, AT_SYMLINK_NOFOLLOW, want="ok")
    t.lstat("link", "mtime", want={"mtime": 1_200_000_000_987_654_321})
    t.stat("target", "mtime", want={"mtime": 946_684_800_000_000_000})


def case_on_symlink_follow(t):
    """without the flag the target's times change"""
    t.make_file("target")
    t.symlink("target", "link")
    t.utimens("link", A, M, want="ok")
    t.stat("target", "atime", "mtime", want={"atime": 1_000_000_000_123_456_789, "mtime": 1_200_000_000_987_654_321})


def case_write_updates_mtime(t):
    """a write after setting an old mtime moves it to now"""
    t.make_file("f", b"x")
    t.utimens("f", OLD, OLD)
    fd = t.open("f", os.O_WRONLY | os.O_TRUNC)
    t.write(fd, b"y")
    t.close(fd)
    t.step("mtime is now", lambda: now_close(os.stat("f").st_mtime_ns), want=True)


def case_new_file_times_are_now(t):
    """a new file's and directory's times are the current time"""
    t.make_file("f")
    t.mkdir("d")
    t.step("f: atime and mtime are now", lambda: [now_close(x) for x in times(t, "f")], want=[True, True])
    t.step("d: mtime is now", lambda: now_close(os.stat("d").st_mtime_ns), want=True)


def case_utimens_missing(t):
    """a missing name: ENOENT"""
    t.utimens("missing", A, M, want="ENOENT")
