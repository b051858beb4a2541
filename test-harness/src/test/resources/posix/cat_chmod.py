"""chmod(2) and fchmod(2)."""

import os


def case_chmod_file(t):
    """permission bits change and read back; the contents stay"""
    t.make_file("f", b"data")
    for mode in (0o600, 0o755, 0o640, 0o000, 0o777):
        t.chmod("f", mode, want="ok")
        t.stat("f", "mode", want={"mode": oct(mode)})
    t.contents("f", want="bytes:data")


def case_chmod_directory(t):
    """a directory's bits change; its entries stay"""
    t.mkdir("d")
    t.make_file("d/f")
    t.chmod("d", 0o700, want="ok")
    t.stat("d", "type", "mode", want={"type": "dir", "mode": "0o700"})
    t.chmod("d", 0o1777, want="ok")
    t.stat("d", "mode", want={"mode": "0o1777"})
    t.listdir("d")


def case_chmod_special_bits(t):
    """set-user-ID, set-group-ID and sticky bits on a file (root may set them all)"""
    t.make_file("f")
    for mode in (0o4755, 0o2755, 0o1755, 0o7777):
        t.chmod("f", mode, want="ok")
        t.stat("f", "mode", want={"mode": oct(mode)})


def case_fchmod(t):
    """fchmod through an open descriptor"""
    fd = t.open("f", os.O_WRONLY | os.O_CREAT, 0o644)
    t.step("fchmod(0600)", lambda: os.fchmod(fd, 0o600), want="ok")
    t.fstat(fd, "mode", want={"mode": "0o600"})
    t.close(fd)
    t.stat("f", "mode", want={"mode": "0o600"})


def case_chmod_missing(t):
    """chmod of a missing name: ENOENT"""
    t.chmod("missing", 0o644, want="ENOENT")
