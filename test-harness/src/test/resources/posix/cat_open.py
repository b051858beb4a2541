"""open(2) and creat: O_CREAT, O_EXCL, O_TRUNC, O_APPEND and the errors of a bad path."""

import os

W, R, RW = os.O_WRONLY, os.O_RDONLY, os.O_RDWR
CREAT, EXCL, TRUNC, APPEND = os.O_CREAT, os.O_EXCL, os.O_TRUNC, os.O_APPEND


def case_create_new(t):
    """O_CREAT makes a new empty file with the mode asked for, less the umask (022)"""
    fd = t.open("f", W | CREAT, 0o640)
    t.fstat(fd, "type", "mode", "size", want={"type": "file", "mode": "0o640", "size": 0})
    t.write(fd, b"hello", want=5)
    t.close(fd)
    t.stat("f", "type", "mode", "size", "uid", "gid")
    t.contents("f", want="bytes:hello")
    fd = t.open("g", W | CREAT, 0o777)
    t.close(fd)
    t.stat("g", "mode", want={"mode": "0o755"})


def case_create_excl_new(t):
    """O_CREAT|O_EXCL on a free name creates the file"""
    fd = t.open("f", W | CREAT | EXCL)
    t.close(fd)
    t.stat("f", "type", "size")


def case_create_excl_existing(t):
    """O_CREAT|O_EXCL on an existing file or directory fails EEXIST and changes nothing"""
    t.make_file("f", b"keep")
    t.open("f", W | CREAT | EXCL, want="EEXIST")
    t.contents("f", want="bytes:keep")
    t.mkdir("d")
    t.open("d", W | CREAT | EXCL, want="EEXIST")


def case_create_existing_without_excl(t):
    """O_CREAT without O_EXCL opens an existing file as it is"""
    t.make_file("f", b"keep")
    fd = t.open("f", R | CREAT)
    t.read_fd(fd, 10, 0, want="bytes:keep")
    t.close(fd)


def case_open_missing(t):
    """opening a missing name fails ENOENT; so does creating under a missing directory"""
    t.open("nothing", R, want="ENOENT")
    t.open("nothing", W, want="ENOENT")
    t.open("nodir/f", W | CREAT, want="ENOENT")
    t.exists("nodir")


def case_open_through_a_file(t):
    """a file used as a directory: ENOTDIR, with and without O_CREAT"""
    t.make_file("f", b"x")
    t.open("f/x", R, want="ENOTDIR")
    t.open("f/x", W | CREAT, want="ENOTDIR")


def case_open_directory(t):
    """a directory opens read-only; for writing it is EISDIR; O_DIRECTORY on a file is ENOTDIR"""
    t.mkdir("d")
    fd = t.open("d", R)
    t.fstat(fd, "type", want={"type": "dir"})
    t.close(fd)
    t.open("d", W, want="EISDIR")
    t.open("d", RW, want="EISDIR")
    t.open("d", W | CREAT, want="EISDIR")
    t.make_file("f", b"x")
    t.open("f", R | os.O_DIRECTORY, want="ENOTDIR")


def case_truncate_on_open(t):
    """O_TRUNC empties an existing file; new data replaces the old"""
    t.make_file("f", b"hello world")
    fd = t.open("f", W | TRUNC)
    t.fstat(fd, "size", want={"size": 0})
    t.write(fd, b"ab", want=2)
    t.close(fd)
    t.stat("f", "size", want={"size": 2})
    t.contents("f", want="bytes:ab")


def case_truncate_on_open_then_close_empty(t):
    """O_TRUNC and close without writing leaves an empty file"""
    t.make_file("f", b"hello world")
    fd = t.open("f", W | TRUNC)
    t.close(fd)
    t.stat("f", "size", want={"size": 0})


def case_rdonly_with_trunc(t):
    """O_RDONLY|O_TRUNC: unspecified by POSIX, Linux truncates"""
    t.make_file("f", b"hello")
    fd = t.open("f", R | TRUNC)
    t.close(fd)
    t.stat("f", "size")


def case_append(t):
    """O_APPEND writes go to the end, also from two descriptors in turn"""
    t.make_file("f", b"abc")
    fd = t.open("f", W | APPEND)
    t.write(fd, b"def", want=3)
    t.close(fd)
    t.contents("f", want="bytes:abcdef")
    a = t.open("f", W | APPEND)
    b = t.open("f", W | APPEND)
    t.write(a, b"1")
    t.write(b, b"2")
    t.write(a, b"3")
    t.close(a)
    t.close(b)
    t.contents("f", want="bytes:abcdef123")


def case_create_with_append(t):
    """O_CREAT|O_APPEND on a new file, then another append"""
    fd = t.open("f", W | CREAT | APPEND)
    t.write(fd, b"one")
    t.close(fd)
    fd = t.open("f", W | CREAT | APPEND)
    t.write(fd, b"two")
    t.close(fd)
    t.contents("f", want="bytes:onetwo")


def case_overwrite_in_place(t):
    """O_WRONLY without O_TRUNC keeps the file; a pwrite in the middle replaces just those bytes"""
    t.make_file("f", b"0123456789")
    fd = t.open("f", W)
    t.pwrite(fd, b"XY", 3, want=2)
    t.close(fd)
    t.contents("f", want="bytes:012XY56789")


def case_read_write_same_descriptor(t):
    """O_RDWR: what was written reads back through the same descriptor before close"""
    fd = t.open("f", RW | CREAT)
    t.write(fd, b"written")
    t.read_fd(fd, 100, 0, want="bytes:written")
    t.close(fd)
    t.contents("f", want="bytes:written")


def case_wrong_access_mode(t):
    """write on a read-only descriptor, read on a write-only one: EBADF"""
    t.make_file("f", b"data")
    fd = t.open("f", R)
    t.write(fd, b"x", want="EBADF")
    t.close(fd)
    fd = t.open("f", W)
    t.read_fd(fd, 4, 0, want="EBADF")
    t.close(fd)
    t.contents("f", want="bytes:data")


def case_visible_to_another_open_after_close(t):
    """a file written and closed reads back whole through a new descriptor"""
    data = bytes(range(256)) * 1024  # 256 KiB, several FUSE writes
    fd = t.open("f", W | CREAT)
    t.write(fd, data, want=len(data))
    t.close(fd)
    t.stat("f", "size", want={"size": len(data)})
    t.contents("f")
