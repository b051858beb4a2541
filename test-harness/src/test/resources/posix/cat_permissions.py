"""Permission checks for other users (the mount runs with allow_other and default_permissions).

Root sets the scene; users a (uid/gid 4321) and b (4322) then try things in a child process.
"""

import os

from posixlib import UTIME_NOW


def case_read_by_others(t):
    """others may read a 0644 file, not a 0600 one (EACCES)"""
    t.make_file("public", b"hello", 0o644)
    t.make_file("private", b"secret", 0o600)
    t.chmod("private", 0o600)

    def a(u):
        u.contents("public", want="bytes:hello")
        u.open("private", os.O_RDONLY, want="EACCES")
    t.as_user("a", "read", a)


def case_write_by_others(t):
    """others may write a 0666 file, not a 0644 one (EACCES)"""
    t.make_file("shared", b"", 0o666)
    t.chmod("shared", 0o666)
    t.make_file("locked", b"keep", 0o644)

    def a(u):
        u.open("locked", os.O_WRONLY, want="EACCES")
        u.truncate("locked", 0, want="EACCES")
        fd = u.open("shared", os.O_WRONLY | os.O_TRUNC)
        u.write(fd, b"by a")
        u.close(fd)
    t.as_user("a", "write", a)
    t.contents("shared", want="bytes:by a")
    t.contents("locked", want="bytes:keep")


def case_group_bits(t):
    """a user in the file's group gets the group bits, not the other bits"""
    t.make_file("f", b"group readable", 0o640)
    t.chown("f", 0, 4321)

    def a(u):
        u.contents("f", want="bytes:group readable")
    def b(u):
        u.open("f", os.O_RDONLY, want="EACCES")
    t.as_user("a", "group member", a)
    t.as_user("b", "not in the group", b)


def case_owner_bits(t):
    """the owner gets the owner bits even when others have more"""
    t.make_file("f", b"x")
    t.chown("f", 4321, 4321)

    def a(u):
        u.chmod("f", 0o077, want="ok")
        u.open("f", os.O_RDONLY, want="EACCES")
        u.chmod("f", 0o644, want="ok")
        u.contents("f", want="bytes:x")
    t.as_user("a", "owner", a)


def case_new_entries_belong_to_the_caller(t):
    """files and directories a user makes belong to that user and group"""
    t.mkdir("rw")
    t.chmod("rw", 0o777)

    def a(u):
        fd = u.open("rw/new", os.O_WRONLY | os.O_CREAT)
        u.close(fd)
        u.mkdir("rw/newdir", want="ok")
        u.stat("rw/new", "uid", "gid", "mode", want={"uid": 4321, "gid": 4321, "mode": "0o644"})
        u.stat("rw/newdir", "uid", "gid", "mode", want={"uid": 4321, "gid": 4321, "mode": "0o755"})
    t.as_user("a", "in rw/", a)


def case_create_needs_write_on_directory(t):
    """creating, mkdir-ing, unlinking and renaming in a directory need its w bit (EACCES)"""
    t.mkdir("ro", 0o755)
    t.make_file("ro/f", b"x")
    t.chmod("ro/f", 0o666)
    t.mkdir("rw", 0o777)
    t.chmod("rw", 0o777)

    def a(u):
        u.open("ro/new", os.O_WRONLY | os.O_CREAT, want="EACCES")
        u.mkdir("ro/newdir", want="EACCES")
        u.unlink("ro/f", want="EACCES")
        u.rename("ro/f", "rw/f", want="EACCES")
        fd = u.open("rw/new", os.O_WRONLY | os.O_CREAT)
        u.close(fd)
        u.mkdir("rw/newdir", want="ok")
        u.unlink("rw/new", want="ok")
        u.rmdir("rw/newdir", want="ok")
    t.as_user("a", "in ro/ and rw/", a)
    t.listdir("ro")
    t.listdir("rw")


def case_directory_without_x(t):
    """without x on a directory its entries cannot be reached (EACCES); with r the names still list"""
    t.mkdir("d")
    t.make_file("d/f", b"x", 0o644)
    t.chmod("d", 0o774)  # others: r--

    def a(u):
        u.stat("d/f", want="EACCES")
        u.open("d/f", os.O_RDONLY, want="EACCES")
        u.listdir("d")
    t.as_user("a", "r-- on d", a)


def case_directory_without_r(t):
    """with x but not r: known names can be reached, the directory cannot be listed (EACCES)"""
    t.mkdir("d")
    t.make_file("d/f", b"x", 0o644)
    t.chmod("d", 0o771)  # others: --x

    def a(u):
        u.contents("d/f", want="bytes:x")
        u.listdir("d")
    t.as_user("a", "--x on d", a)


def case_sticky_directory(t):
    """in a sticky 1777 directory only a file's owner (or root) may unlink or rename it (EPERM)"""
    t.mkdir("tmp")
    t.chmod("tmp", 0o1777)
    t.make_file("tmp/a_file", b"a's")
    t.chown("tmp/a_file", 4321, 4321)
    t.chmod("tmp/a_file", 0o666)
    t.make_file("tmp/b_file", b"b's")
    t.chown("tmp/b_file", 4322, 4322)

    def b_tries(u):
        u.unlink("tmp/a_file", want="EPERM")
        u.rename("tmp/a_file", "tmp/stolen", want="EPERM")
        fd = u.open("tmp/a_file", os.O_WRONLY | os.O_TRUNC)  # the file's own bits still allow writing
        u.write(fd, b"by b")
        u.close(fd)
        u.rename("tmp/b_file", "tmp/b_renamed", want="ok")
    def a_removes(u):
        u.unlink("tmp/a_file", want="ok")
        u.unlink("tmp/b_renamed", want="EPERM")
    t.as_user("b", "not the owner", b_tries)
    t.contents("tmp/a_file", want="bytes:by b")
    t.as_user("a", "owner", a_removes)
    t.unlink("tmp/b_renamed", want="ok")
    t.listdir("tmp")


def case_chmod_and_utimens_by_others(t):
    """only the owner may chmod (EPERM) or set explicit times (EPERM); UTIME_NOW needs write access"""
    t.make_file("f", b"x", 0o666)
    t.chmod("f", 0o666)
    t.make_file("g", b"x", 0o644)

    def a(u):
        u.chmod("f", 0o777, want="EPERM")
        u.utimens("f", (1, 0), (1, 0), want="EPERM")
        u.utimens("f", (0, UTIME_NOW), (0, UTIME_NOW), want="ok")
        u.utimens("g", (0, UTIME_NOW), (0, UTIME_NOW), want="EACCES")
    t.as_user("a", "not the owner", a)
    t.stat("f", "mode", want={"mode": "0o666"})


def case_rmdir_by_others(t):
    """removing another user's empty directory needs w on the parent"""
    t.mkdir("parent", 0o755)
    t.mkdir("parent/child")
    t.mkdir("open", 0o777)
    t.chmod("open", 0o777)
    t.mkdir("open/child")

    def a(u):
        u.rmdir("parent/child", want="EACCES")
        u.rmdir("open/child", want="ok")
    t.as_user("a", "rmdir", a)
    t.exists("parent/child")
