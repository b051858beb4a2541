"""Hard links and special files (FIFOs, devices, sockets, anonymous O_TMPFILE files)."""

import os
import socket
import stat


def case_hard_link(t):
    """link(2) makes a second name for the same file"""
    t.make_file("f", b"one file")
    t.step("link(f, g)", lambda: os.link("f", "g"), want="ok")
    t.stat("g", "nlink", "size", want={"nlink": 2, "size": 8})
    t.contents("g", want="bytes:one file")


def case_fifo(t):
    """mkfifo makes a named pipe"""
    t.step("mkfifo(p)", lambda: os.mkfifo("p", 0o644), want="ok")
    t.lstat("p", "type", want={"type": "fifo"})


def case_char_device(t):
    """mknod S_IFCHR makes a device node (root only)"""
    t.step("mknod(null, S_IFCHR, 1:3)", lambda: os.mknod("null", stat.S_IFCHR | 0o644, os.makedev(1, 3)), want="ok")
    t.lstat("null", "type", want={"type": "chardev"})


def case_unix_socket(t):
    """bind(2) of an AF_UNIX socket makes a socket file"""
    def bind():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.bind("sock")
        finally:
            s.close()
    t.step("bind(AF_UNIX, sock)", bind, want="ok")
    t.lstat("sock", "type", want={"type": "socket"})


def case_mknod_regular(t):
    """mknod S_IFREG makes an ordinary empty file"""
    t.step("mknod(f, S_IFREG)", lambda: os.mknod("f", stat.S_IFREG | 0o640), want="ok")
    t.stat("f", "type", "mode", "size", want={"type": "file", "mode": "0o640", "size": 0})


def case_tmpfile(t):
    """O_TMPFILE makes an anonymous file in a directory"""
    fd = t.open(".", os.O_TMPFILE | os.O_RDWR, 0o600)
    t.write(fd, b"anon")
    t.close(fd)
    t.listdir(".")
