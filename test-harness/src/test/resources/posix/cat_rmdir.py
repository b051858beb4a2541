"""rmdir(2)."""

import os


def case_rmdir_empty(t):
    """an empty directory goes away"""
    t.mkdir("d")
    t.rmdir("d", want="ok")
    t.exists("d")
    t.stat("d", want="ENOENT")
    t.listdir(".")


def case_rmdir_not_empty(t):
    """a directory with a file or a subdirectory in it: ENOTEMPTY, nothing removed"""
    t.mkdir("d")
    t.make_file("d/f", b"x")
    t.rmdir("d", want="ENOTEMPTY")
    t.mkdir("e")
    t.mkdir("e/sub")
    t.rmdir("e", want="ENOTEMPTY")
    t.listdir("d")
    t.listdir("e")


def case_rmdir_emptied(t):
    """a directory whose last entry was removed can be removed"""
    t.mkdir("d")
    t.make_file("d/f")
    t.unlink("d/f")
    t.rmdir("d", want="ok")


def case_rmdir_errors(t):
    """missing: ENOENT; a file: ENOTDIR; '.': EINVAL; '..': ENOTEMPTY"""
    t.rmdir("missing", want="ENOENT")
    t.make_file("f")
    t.rmdir("f", want="ENOTDIR")
    t.mkdir("d")
    t.rmdir("d/.", want="EINVAL")
    t.rmdir("d/..", want="ENOTEMPTY")
    t.exists("d")


def case_rmdir_mount_root(t):
    """rmdir of a file system's root: EBUSY ('/' for the ground truth, the mount point for the mount)"""
    t.step("rmdir(<root of the file system>)", lambda: os.rmdir(t.fs_root), want="EBUSY")


def case_rmdir_then_recreate(t):
    """a removed directory's name can be used again, for a file"""
    t.mkdir("d")
    t.rmdir("d")
    t.make_file("d", b"now a file")
    t.stat("d", "type", "size")
