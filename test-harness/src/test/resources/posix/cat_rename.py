"""rename(2) and renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE."""

import os

from posixlib import RENAME_EXCHANGE, RENAME_NOREPLACE


def case_rename_file(t):
    """a file moves to a free name, in the same and in another directory"""
    t.make_file("a", b"data")
    t.rename("a", "b", want="ok")
    t.exists("a")
    t.contents("b", want="bytes:data")
    t.mkdir("d")
    t.rename("b", "d/c", want="ok")
    t.listdir(".")
    t.listdir("d")
    t.contents("d/c", want="bytes:data")


def case_rename_over_file(t):
    """a file replaces another file atomically"""
    t.make_file("a", b"new")
    t.make_file("b", b"old contents")
    t.rename("a", "b", want="ok")
    t.exists("a")
    t.contents("b", want="bytes:new")
    t.listdir(".")


def case_rename_over_open_file(t):
    """a descriptor open on the replaced file still reads the old contents"""
    t.make_file("a", b"new")
    t.make_file("b", b"old")
    fd = t.open("b", os.O_RDONLY)
    t.rename("a", "b")
    t.read_fd(fd, 10, 0, want="bytes:old")
    t.close(fd)
    t.contents("b", want="bytes:new")


def case_rename_file_and_directory(t):
    """file over directory: EISDIR; directory over file: ENOTDIR"""
    t.make_file("f", b"x")
    t.mkdir("d")
    t.rename("f", "d", want="EISDIR")
    t.rename("d", "f", want="ENOTDIR")
    t.stat("f", "type")
    t.stat("d", "type")


def case_rename_over_empty_directory(t):
    """a directory replaces an empty directory"""
    t.mkdir("src")
    t.make_file("src/f", b"moved")
    t.mkdir("dst")
    t.rename("src", "dst", want="ok")
    t.exists("src")
    t.contents("dst/f", want="bytes:moved")


def case_rename_over_nonempty_directory(t):
    """a directory over a non-empty directory: ENOTEMPTY (or EEXIST), nothing moves"""
    t.mkdir("src")
    t.mkdir("dst")
    t.make_file("dst/keep", b"k")
    t.rename("src", "dst", want="ENOTEMPTY")
    t.listdir("dst")
    t.exists("src")


def case_rename_into_own_subdirectory(t):
    """a directory cannot move into itself: EINVAL"""
    t.mkdir("d")
    t.mkdir("d/sub")
    t.rename("d", "d/sub/d", want="EINVAL")
    t.rename("d", "d/x", want="EINVAL")
    t.listdir("d")


def case_rename_missing(t):
    """a missing source or a missing target directory: ENOENT"""
    t.rename("missing", "x", want="ENOENT")
    t.make_file("f")
    t.rename("f", "nodir/f", want="ENOENT")
    t.exists("f")


def case_rename_to_itself(t):
    """renaming a name to itself does nothing and succeeds"""
    t.make_file("f", b"same")
    t.rename("f", "f", want="ok")
    t.contents("f", want="bytes:same")


def case_rename_directory_tree(t):
    """a directory moves with everything under it"""
    t.mkdir("a")
    t.mkdir("a/b")
    t.make_file("a/b/f", b"leaf")
    t.make_file("a/g", b"top")
    t.mkdir("elsewhere")
    t.rename("a", "elsewhere/a2", want="ok")
    t.contents("elsewhere/a2/b/f", want="bytes:leaf")
    t.contents("elsewhere/a2/g", want="bytes:top")
    t.stat("a/b/f", want="ENOENT")
    t.make_file("elsewhere/a2/b/new", b"n")
    t.listdir("elsewhere/a2/b")


def case_rename_noreplace(t):
    """RENAME_NOREPLACE moves to a free name, and refuses an existing one with EEXIST"""
    t.make_file("a", b"a")
    t.make_file("b", b"b")
    t.rename("a", "b", RENAME_NOREPLACE, want="EEXIST")
    t.contents("b", want="bytes:b")
    t.rename("a", "c", RENAME_NOREPLACE, want="ok")
    t.contents("c", want="bytes:a")
    t.exists("a")


def case_rename_exchange_files(t):
    """RENAME_EXCHANGE swaps two files"""
    t.make_file("a", b"first")
    t.make_file("b", b"second")
    t.rename("a", "b", RENAME_EXCHANGE, want="ok")
    t.contents("a", want="bytes:second")
    t.contents("b", want="bytes:first")


def case_rename_exchange_file_and_directory(t):
    """RENAME_EXCHANGE swaps a file and a directory; with a missing name it is ENOENT"""
    t.make_file("f", b"file")
    t.mkdir("d")
    t.make_file("d/inner", b"in")
    t.rename("f", "d", RENAME_EXCHANGE, want="ok")
    t.stat("f", "type")
    t.contents("f/inner", want="bytes:in")
    t.contents("d", want="bytes:file")
    t.rename("d", "missing", RENAME_EXCHANGE, want="ENOENT")
