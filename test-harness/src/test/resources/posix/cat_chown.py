"""chown(2), fchown(2) (as root, and as an unprivileged owner)."""

import os


def case_chown_file(t):
    """root gives a file to another user and group; -1 keeps a field"""
    t.make_file("f", b"data")
    t.chown("f", 4321, 4321, want="ok")
    t.stat("f", "uid", "gid", want={"uid": 4321, "gid": 4321})
    t.chown("f", -1, 4322, want="ok")
    t.stat("f", "uid", "gid", want={"uid": 4321, "gid": 4322})
    t.chown("f", 4322, -1, want="ok")
    t.stat("f", "uid", "gid", want={"uid": 4322, "gid": 4322})
    t.contents("f", want="bytes:data")


def case_chown_directory(t):
    """a directory changes owner"""
    t.mkdir("d")
    t.chown("d", 4321, 4322, want="ok")
    t.stat("d", "uid", "gid", want={"uid": 4321, "gid": 4322})


def case_fchown(t):
    """fchown through an open descriptor"""
    fd = t.open("f", os.O_WRONLY | os.O_CREAT)
    t.step("fchown(4321, 4321)", lambda: os.fchown(fd, 4321, 4321), want="ok")
    t.fstat(fd, "uid", "gid")
    t.close(fd)
    t.stat("f", "uid", "gid")


def case_chown_clears_setuid(t):
    """chown of an executable clears set-user-ID and set-group-ID"""
    t.make_file("f")
    t.chmod("f", 0o6755)
    t.chown("f", 4321, 4321)
    t.stat("f", "mode", "uid", "gid")


def case_chown_by_the_owner(t):
    """an unprivileged owner may not give a file away (EPERM), nor take a group it is not in"""
    t.mkdir("d")
    t.make_file("d/mine", b"x")
    t.chown("d/mine", 4321, 4321)

    def as_a(u):
        u.chown("d/mine", 4322, -1, want="EPERM")
        u.chown("d/mine", -1, 4322, want="EPERM")
        u.chown("d/mine", 4321, 4321, want="ok")
        u.stat("d/mine", "uid", "gid")
    t.as_user("a", "user a owns d/mine", as_a)
    t.stat("d/mine", "uid", "gid")


def case_chown_missing(t):
    """chown of a missing name: ENOENT"""
    t.chown("missing", 0, 0, want="ENOENT")
