"""unlink(2)."""

import os


def case_unlink_file(t):
    """the name goes, the directory no longer lists it"""
    t.make_file("f", b"x")
    t.make_file("g", b"y")
    t.unlink("f", want="ok")
    t.exists("f")
    t.listdir(".")
    t.contents("g", want="bytes:y")


def case_unlink_errors(t):
    """missing: ENOENT; a directory: EISDIR; through a file: ENOTDIR"""
    t.unlink("missing", want="ENOENT")
    t.unlink("nodir/f", want="ENOENT")
    t.mkdir("d")
    t.unlink("d", want="EISDIR")
    t.make_file("f")
    t.unlink("f/x", want="ENOTDIR")
    t.exists("d")


def case_unlink_open_file(t):
    """an unlinked file stays readable through a descriptor opened before"""
    t.make_file("f", b"still here")
    fd = t.open("f", os.O_RDONLY)
    t.unlink("f")
    t.exists("f")
    t.read_fd(fd, 100, 0, want="bytes:still here")
    t.fstat(fd, "size", want={"size": 10})
    t.close(fd)


def case_unlink_then_recreate(t):
    """a new file under an unlinked name has only the new contents"""
    t.make_file("f", b"old contents")
    t.unlink("f")
    t.make_file("f", b"new")
    t.contents("f", want="bytes:new")
    t.stat("f", "size")
