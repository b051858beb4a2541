"""Long names and long paths: NAME_MAX is 255 bytes, PATH_MAX 4096 bytes (4095 plus the NUL)."""

import os

N255 = "n" * 255
N256 = "n" * 256
E255 = "\u00e9" * 127 + "x"  # 127 two-byte characters and one: 255 bytes of UTF-8
E256 = "\u00e9" * 128  # 256 bytes


def case_name_of_255_bytes(t):
    """a 255-byte name works for files and directories: create, stat, list, rename, remove"""
    t.make_file(N255, b"long name")
    t.stat(N255, "type", "size", want={"type": "file", "size": 9})
    t.listdir(".")
    t.rename(N255, "m" * 255, want="ok")
    t.contents("m" * 255, want="bytes:long name")
    t.unlink("m" * 255, want="ok")
    t.mkdir(N255, want="ok")
    t.make_file(N255 + "/" + N255, b"in")
    t.rmdir(N255, want="ENOTEMPTY")
    t.unlink(N255 + "/" + N255)
    t.rmdir(N255, want="ok")


def case_name_of_256_bytes(t):
    """a 256-byte name is ENAMETOOLONG everywhere"""
    t.open(N256, os.O_WRONLY | os.O_CREAT, want="ENAMETOOLONG")
    t.mkdir(N256, want="ENAMETOOLONG")
    t.stat(N256, want="ENAMETOOLONG")
    t.make_file("f")
    t.rename("f", N256, want="ENAMETOOLONG")
    t.symlink("f", N256, want="ENAMETOOLONG")
    t.listdir(".")


def case_multibyte_names(t):
    """the limit counts UTF-8 bytes: 255 bytes of accented letters work, 256 do not"""
    t.make_file(E255, b"utf8")
    t.contents(E255, want="bytes:utf8")
    t.open(E256, os.O_WRONLY | os.O_CREAT, want="ENAMETOOLONG")
    t.listdir(".")


def deep_dirs(limit):
    """Directory names of 250 bytes (a, b, c, ...) as long as the path stays under limit bytes."""
    parts, length = [], 0
    while True:
        name = chr(ord("a") + len(parts)) * 250
        if length + len(name) + 1 > limit:
            return parts
        parts.append(name)
        length += len(name) + 1


def case_tree_near_path_max(t):
    """a tree whose relative paths reach 4095 bytes: create, stat, rename and remove deep inside"""
    dirs = deep_dirs(4020)
    path = ""
    for d in dirs:
        path = path + d if not path else path + "/" + d
        t.mkdir(path, want="ok")
    leaf = path + "/" + "f" * (4095 - len(path) - 1)
    t.step("length of the leaf's path", lambda: len(leaf.encode()), want=4095)
    t.make_file(leaf, b"at the bottom")
    t.stat(leaf, "type", "size", want={"type": "file", "size": 13})
    other = path + "/" + "g" * (4095 - len(path) - 1)
    t.rename(leaf, other, want="ok")
    t.contents(other, want="bytes:at the bottom")
    t.open(other + "x", os.O_RDONLY, want="ENAMETOOLONG")  # 4096 bytes
    t.mkdir(path + "/sub", want="ok")
    t.rename(path + "/sub", dirs[0] + "/sub", want="ok")
    t.listdir(dirs[0])
    t.unlink(other, want="ok")
    t.rmdir(dirs[0] + "/sub", want="ok")
    while path:
        t.rmdir(path, want="ok")
        path = path.rpartition("/")[0]
    t.listdir(".")


def case_deeper_than_path_max(t):
    """working relative to a deep directory, a tree can go deeper than PATH_MAX in total"""
    dirs = deep_dirs(4020)
    path = "/".join(dirs)
    t.step("makedirs(4,015 bytes)", lambda: os.makedirs(path), want="ok")
    here = os.getcwd()
    try:
        t.step("chdir(deep)", lambda: os.chdir(path), want="ok")
        t.mkdir("q" * 250, want="ok")
        t.mkdir("q" * 250 + "/" + "r" * 250, want="ok")
        t.make_file("q" * 250 + "/" + "r" * 250 + "/file", b"beyond")
        t.contents("q" * 250 + "/" + "r" * 250 + "/file", want="bytes:beyond")
        t.unlink("q" * 250 + "/" + "r" * 250 + "/file", want="ok")
        t.rmdir("q" * 250 + "/" + "r" * 250, want="ok")
        t.rmdir("q" * 250, want="ok")
    finally:
        os.chdir(here)
    while path:
        t.rmdir(path, want="ok")
        path = path.rpartition("/")[0]
