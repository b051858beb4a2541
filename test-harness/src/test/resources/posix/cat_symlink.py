"""symlink(2), readlink(2), lstat(2), and following links."""

import os


def case_symlink_to_file(t):
    """a link reads back its target; lstat sees the link, stat and open see the file"""
    t.make_file("target", b"pointed at")
    t.symlink("target", "link", want="ok")
    t.readlink("link", want="target")
    t.lstat("link", "type", "size", want={"type": "symlink", "size": 6})
    t.stat("link", "type", "size", want={"type": "file", "size": 10})
    t.contents("link", want="bytes:pointed at")


def case_symlink_dangling(t):
    """a link to nothing: readlink works, stat is ENOENT, O_CREAT through it creates the target"""
    t.symlink("nowhere", "link", want="ok")
    t.readlink("link", want="nowhere")
    t.lstat("link", "type", want={"type": "symlink"})
    t.stat("link", want="ENOENT")
    t.open("link", os.O_RDONLY, want="ENOENT")
    fd = t.open("link", os.O_WRONLY | os.O_CREAT)
    t.write(fd, b"made")
    t.close(fd)
    t.contents("nowhere", want="bytes:made")
    t.lstat("link", "type", want={"type": "symlink"})


def case_symlink_absolute_and_long_targets(t):
    """targets are kept byte for byte: absolute, with '..', 1000 bytes long"""
    t.symlink("/no/such/absolute/path", "abs")
    t.readlink("abs", want="/no/such/absolute/path")
    t.symlink("../../up/and/over", "rel")
    t.readlink("rel", want="../../up/and/over")
    long_target = "x" * 200 + "/" + "y" * 200 + "/" + "z" * 598
    t.symlink(long_target, "long")
    t.readlink("long", want=long_target)
    t.lstat("long", "size", want={"size": 1000})


def case_symlink_to_directory(t):
    """a link to a directory is followed in the middle of a path"""
    t.mkdir("dir")
    t.make_file("dir/f", b"inside")
    t.symlink("dir", "ld")
    t.contents("ld/f", want="bytes:inside")
    t.make_file("ld/g", b"via link")
    t.listdir("dir")
    t.stat("ld", "type", want={"type": "dir"})
    t.lstat("ld", "type", want={"type": "symlink"})


def case_symlink_errors(t):
    """existing name: EEXIST; readlink of a file: EINVAL; O_NOFOLLOW: ELOOP; a cycle: ELOOP"""
    t.make_file("f")
    t.symlink("anything", "f", want="EEXIST")
    t.readlink("f", want="EINVAL")
    t.symlink("f", "link")
    t.open("link", os.O_RDONLY | os.O_NOFOLLOW, want="ELOOP")
    t.symlink("b", "a")
    t.symlink("a", "b")
    t.stat("a", want="ELOOP")
    t.readlink("missing", want="ENOENT")


def case_symlink_unlink_and_rename(t):
    """unlinking or renaming a link leaves its target alone"""
    t.make_file("target", b"t")
    t.symlink("target", "link")
    t.rename("link", "link2", want="ok")
    t.readlink("link2", want="target")
    t.unlink("link2", want="ok")
    t.contents("target", want="bytes:t")
    t.listdir(".")


def case_symlink_chmod_follows(t):
    """chmod through a link changes the target"""
    t.make_file("target")
    t.symlink("target", "link")
    t.chmod("link", 0o600)
    t.stat("target", "mode", want={"mode": "0o600"})


def case_symlink_lchown(t):
    """lchown changes the link's owner, not the target's"""
    t.make_file("target")
    t.symlink("target", "link")
    t.chown("link", 4321, 4321, follow=False, want="ok")
    t.lstat("link", "uid", "gid", want={"uid": 4321, "gid": 4321})
    t.stat("target", "uid", "gid", want={"uid": 0, "gid": 0})
