"""truncate(2) and ftruncate(2): down, up, to zero; the bytes past the old end read as zeros."""

import os


def case_truncate_down(t):
    """truncate to fewer bytes keeps the head"""
    t.make_file("f", b"0123456789")
    t.truncate("f", 4, want="ok")
    t.stat("f", "size", want={"size": 4})
    t.contents("f", want="bytes:0123")


def case_truncate_up(t):
    """truncate to more bytes adds zeros"""
    t.make_file("f", b"abc")
    t.truncate("f", 8, want="ok")
    t.stat("f", "size", want={"size": 8})
    t.contents("f", want="bytes:abc\x00\x00\x00\x00\x00")


def case_truncate_to_zero(t):
    """truncate to 0 empties the file"""
    t.make_file("f", b"abc")
    t.truncate("f", 0, want="ok")
    t.stat("f", "size", want={"size": 0})


def case_truncate_down_then_up(t):
    """bytes cut off and then grown again read as zeros, not as the old data"""
    t.make_file("f", b"abcdef")
    t.truncate("f", 2)
    t.truncate("f", 6)
    t.contents("f", want="bytes:ab\x00\x00\x00\x00")


def case_truncate_errors(t):
    """a directory: EISDIR; missing: ENOENT; negative size: EINVAL"""
    t.mkdir("d")
    t.truncate("d", 0, want="EISDIR")
    t.truncate("missing", 0, want="ENOENT")
    t.make_file("f", b"x")
    t.truncate("f", -1, want="EINVAL")
    t.contents("f", want="bytes:x")


def case_ftruncate_down_and_up(t):
    """ftruncate through an O_RDWR descriptor, down then up"""
    t.make_file("f", b"0123456789")
    fd = t.open("f", os.O_RDWR)
    t.ftruncate(fd, 3, want="ok")
    t.fstat(fd, "size", want={"size": 3})
    t.ftruncate(fd, 5, want="ok")
    t.read_fd(fd, 10, 0, want="bytes:012\x00\x00")
    t.close(fd)
    t.contents("f", want="bytes:012\x00\x00")


def case_ftruncate_while_writing(t):
    """ftruncate of a file being written, then more writes after the new end"""
    fd = t.open("f", os.O_WRONLY | os.O_CREAT)
    t.write(fd, b"0123456789")
    t.ftruncate(fd, 4, want="ok")
    t.pwrite(fd, b"XY", 4)
    t.close(fd)
    t.contents("f", want="bytes:0123XY")


def case_ftruncate_read_only_descriptor(t):
    """ftruncate needs a descriptor open for writing"""
    t.make_file("f", b"abc")
    fd = t.open("f", os.O_RDONLY)
    t.ftruncate(fd, 1)
    t.close(fd)
    t.contents("f", want="bytes:abc")


def case_hole_by_writing_past_the_end(t):
    """a write far past the end leaves a hole that reads as zeros"""
    fd = t.open("f", os.O_WRONLY | os.O_CREAT)
    t.write(fd, b"head")
    t.pwrite(fd, b"tail", 1 << 20, want=4)
    t.close(fd)
    t.stat("f", "size", want={"size": (1 << 20) + 4})
    fd = t.open("f", os.O_RDONLY)
    t.read_fd(fd, 8, 0, want="bytes:head\x00\x00\x00\x00")
    t.read_fd(fd, 8, 1 << 19, want="bytes:\x00\x00\x00\x00\x00\x00\x00\x00")
    t.read_fd(fd, 8, (1 << 20) - 2, want="bytes:\x00\x00tail")
    t.close(fd)


def case_hole_by_truncate_on_a_new_file(t):
    """a new file grown with ftruncate reads as zeros, and data written after it lands in place"""
    fd = t.open("f", os.O_RDWR | os.O_CREAT)
    t.ftruncate(fd, 4096)
    t.pwrite(fd, b"x", 4096)
    t.close(fd)
    t.stat("f", "size", want={"size": 4097})
    t.contents("f")
