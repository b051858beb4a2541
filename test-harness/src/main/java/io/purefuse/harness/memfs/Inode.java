package io.purefuse.harness.memfs;

import io.purefuse.wire.out.Attr;
import io.purefuse.wire.out.Statx;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One MemFs inode. Fields are guarded by {@link MemFs}'s lock (written under the write lock);
 * the kernel lookup count and the open-handle count are atomic so that LOOKUP, READDIRPLUS and
 * OPEN can run under the read lock (an inode is only freed under the write lock).
 */
final class Inode {
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;
    static final int S_ISUID = 04000;
    static final int S_ISGID = 02000;

    final long nodeid;
    final long generation;
    int mode;
    int uid;
    int gid;
    int nlink;
    int rdev;
    long atimeSec;
    int atimeNsec;
    long mtimeSec;
    int mtimeNsec;
    long ctimeSec;
    int ctimeNsec;
    final long btimeSec;
    final int btimeNsec;

    /** References the kernel holds (LOOKUP replies minus FORGETs). */
    final AtomicLong lookups = new AtomicLong();
    /** Open file / directory handles. */
    final AtomicInteger opens = new AtomicInteger();

    /** Regular files. */
    FileContent content;
    /** Symlinks: the target bytes. */
    byte[] target;
    /** Directories: entries by name, entries by readdir cookie, the parent. */
    TreeMap<String, Dirent> byName;
    TreeMap<Long, Dirent> byCookie;
    long nextCookie;
    Inode parent;
    /** Extended attributes (lazily created). */
    TreeMap<String, byte[]> xattrs;

    /** A directory entry; the cookie is fixed for the entry's life, so READDIR can resume after it. */
    static final class Dirent {
        final String name;
        Inode inode;
        final long cookie;

        Dirent(String name, Inode inode, long cookie) {
            this.name = name;
            this.inode = inode;
            this.cookie = cookie;
        }
    }

    /** Cookies 1 and 2 are "." and "..". */
    static final long FIRST_COOKIE = 3;

    Inode(long nodeid, long generation, int mode, int uid, int gid, long nowSec, int nowNsec) {
        this.nodeid = nodeid;
        this.generation = generation;
        this.mode = mode;
        this.uid = uid;
        this.gid = gid;
        this.atimeSec = this.mtimeSec = this.ctimeSec = this.btimeSec = nowSec;
        this.atimeNsec = this.mtimeNsec = this.ctimeNsec = this.btimeNsec = nowNsec;
        switch (mode & S_IFMT) {
            case S_IFDIR -> {
                byName = new TreeMap<>();
                byCookie = new TreeMap<>();
                nextCookie = FIRST_COOKIE;
                nlink = 2;
            }
            case S_IFREG -> {
                content = new FileContent();
                nlink = 1;
            }
            default -> nlink = 1;
        }
    }

    int type() {
        return mode & S_IFMT;
    }

    boolean isDir() {
        return type() == S_IFDIR;
    }

    boolean isRegular() {
        return type() == S_IFREG;
    }

    boolean isSymlink() {
        return type() == S_IFLNK;
    }

    /** DT_* value for dirents. */
    int direntType() {
        return (mode >>> 12) & 15;
    }

    long size() {
        if (content != null) {
            return content.size();
        }
        if (target != null) {
            return target.length;
        }
        if (byName != null) {
            return 4096;
        }
        return 0;
    }

    long blocks512() {
        if (content != null) {
            return content.allocatedBytes() / 512;
        }
        return byName != null ? 8 : 0;
    }

    Dirent entry(String name) {
        return byName.get(name);
    }

    void addEntry(String name, Inode child) {
        Dirent d = new Dirent(name, child, nextCookie++);
        byName.put(name, d);
        byCookie.put(d.cookie, d);
    }

    Dirent removeEntry(String name) {
        Dirent d = byName.remove(name);
        if (d != null) {
            byCookie.remove(d.cookie);
        }
        return d;
    }

    void touchMtime(long sec, int nsec) {
        mtimeSec = ctimeSec = sec;
        mtimeNsec = ctimeNsec = nsec;
    }

    void touchCtime(long sec, int nsec) {
        ctimeSec = sec;
        ctimeNsec = nsec;
    }

    void fill(Attr a) {
        a.ino = nodeid;
        a.size = size();
        a.blocks = blocks512();
        a.atime = atimeSec;
        a.atimensec = atimeNsec;
        a.mtime = mtimeSec;
        a.mtimensec = mtimeNsec;
        a.ctime = ctimeSec;
        a.ctimensec = ctimeNsec;
        a.mode = mode;
        a.nlink = nlink;
        a.uid = uid;
        a.gid = gid;
        a.rdev = rdev;
        a.blksize = 4096;
    }

    /** STATX_BASIC_STATS | STATX_BTIME. */
    static final int STATX_MASK = 0x7ff | 0x800;

    void fill(Statx s) {
        s.mask = STATX_MASK;
        s.blksize = 4096;
        s.nlink = nlink;
        s.uid = uid;
        s.gid = gid;
        s.mode = mode;
        s.ino = nodeid;
        s.size = size();
        s.blocks = blocks512();
        s.atimeSec = atimeSec;
        s.atimeNsec = atimeNsec;
        s.btimeSec = btimeSec;
        s.btimeNsec = btimeNsec;
        s.ctimeSec = ctimeSec;
        s.ctimeNsec = ctimeNsec;
        s.mtimeSec = mtimeSec;
        s.mtimeNsec = mtimeNsec;
        // attr.rdev uses the userspace dev_t encoding (new_encode_dev).
        s.rdevMajor = (rdev & 0xfff00) >>> 8;
        s.rdevMinor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    }

    @Override
    public String toString() {
        return "Inode[" + nodeid + ", mode " + Integer.toOctalString(mode) + ", nlink " + nlink
                + ", lookups " + lookups.get() + ", opens " + opens.get() + "]";
    }
}
