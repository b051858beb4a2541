"""mkdir(2)."""


def case_mkdir_new(t):
    """a new directory has the mode asked for, less the umask, and is empty"""
    t.mkdir("d", 0o755)
    t.stat("d", "type", "mode", "uid", "gid", want={"type": "dir", "mode": "0o755", "uid": 0, "gid": 0})
    t.listdir("d")
    t.mkdir("private", 0o700)
    t.stat("private", "mode", want={"mode": "0o700"})
    t.mkdir("open", 0o777)
    t.stat("open", "mode", want={"mode": "0o755"})
    t.listdir(".")


def case_mkdir_existing(t):
    """mkdir over an existing directory, file or '.' is EEXIST"""
    t.mkdir("d")
    t.mkdir("d", want="EEXIST")
    t.make_file("f", b"x")
    t.mkdir("f", want="EEXIST")
    t.mkdir(".", want="EEXIST")
    t.stat("f", "type", "size")


def case_mkdir_bad_parent(t):
    """mkdir under a missing directory is ENOENT, under a file ENOTDIR"""
    t.mkdir("missing/d", want="ENOENT")
    t.make_file("f")
    t.mkdir("f/d", want="ENOTDIR")


def case_mkdir_nested(t):
    """directories inside directories, listed by their parents"""
    t.mkdir("a")
    t.mkdir("a/b")
    t.mkdir("a/b/c")
    t.make_file("a/b/c/f", b"deep")
    t.listdir("a")
    t.listdir("a/b")
    t.contents("a/b/c/f", want="bytes:deep")
    t.stat("a/b/c", "type", "mode")


def case_mkdir_trailing_slash(t):
    """a trailing slash names the same directory"""
    t.mkdir("d/")
    t.stat("d/", "type", want={"type": "dir"})
    t.mkdir("d/", want="EEXIST")
