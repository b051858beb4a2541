package io.purefuse.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purefuse.backend.AlluxioPath;
import org.junit.jupiter.api.Test;

class InodeTableTest {
    final InodeTable t;

    InodeTableTest() throws Exception {
        t = new InodeTable(AlluxioPath.of("/base"));
    }

    @Test
    void lookupCountsAndForget() throws Exception {
        Inode a = t.lookup(t.root(), "a");
        assertThat(t.lookup(t.root(), "a")).isSameAs(a);
        assertThat(t.path(a).toString()).isEqualTo("/base/a");
        t.forget(a.nodeid(), 1);
        assertThat(t.get(a.nodeid())).isSameAs(a);
        t.forget(a.nodeid(), 1);
        assertThat(t.get(a.nodeid())).isNull();
        assertThat(t.find(t.root(), "a")).isNull();
        // the root is never forgotten
        t.forget(InodeTable.ROOT_ID, 100);
        assertThat(t.get(InodeTable.ROOT_ID)).isSameAs(t.root());
        // nodeids are never reused
        assertThat(t.lookup(t.root(), "a").nodeid()).isNotEqualTo(a.nodeid());
    }

    @Test
    void childrenPinTheirParentAndFollowRenames() throws Exception {
        Inode d = t.lookup(t.root(), "d");
        Inode s = t.lookup(d, "s");
        Inode f = t.lookup(s, "f");
        t.forget(d.nodeid(), 1);
        t.forget(s.nodeid(), 1);
        assertThat(t.get(d.nodeid())).as("pinned by its child").isSameAs(d);
        Inode e = t.lookup(t.root(), "e");
        t.rename(t.root(), "d", e, "moved");
        assertThat(t.path(f).toString()).isEqualTo("/base/e/moved/s/f");
        assertThat(t.find(e, "moved")).isSameAs(d);
        assertThat(t.find(t.root(), "d")).isNull();
        t.forget(f.nodeid(), 1);
        assertThat(t.get(f.nodeid())).isNull();
        assertThat(t.get(s.nodeid())).isNull();
        assertThat(t.get(d.nodeid())).isNull();
        assertThat(t.size()).isEqualTo(2); // root and e
    }

    @Test
    void renameOverAndUnlinkDetach() throws Exception {
        Inode a = t.lookup(t.root(), "a");
        Inode b = t.lookup(t.root(), "b");
        t.rename(t.root(), "a", t.root(), "b");
        assertThat(t.find(t.root(), "b")).isSameAs(a);
        assertThat(t.get(b.nodeid())).as("still known to the kernel").isSameAs(b);
        assertThat(t.lastPath(b).toString()).as("keeps its last path").isEqualTo("/base/b");
        assertThat(t.pathOrNull(b)).as("but never resolves by it: /base/b is a's now").isNull();
        assertThatThrownBy(() -> t.path(b)).isInstanceOf(io.purefuse.session.FuseErrnoException.class);
        t.forget(b.nodeid(), 1);
        assertThat(t.get(b.nodeid())).isNull();
        t.remove(t.root(), "b");
        assertThat(t.find(t.root(), "b")).isNull();
        assertThat(t.get(a.nodeid())).isSameAs(a);
        t.forget(a.nodeid(), 1);
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void childrenOfARemovedDirectoryNeverResolve() throws Exception {
        Inode d = t.lookup(t.root(), "d");
        Inode f = t.lookup(d, "f");
        assertThat(t.path(f).toString()).isEqualTo("/base/d/f");
        t.remove(t.root(), "d");
        assertThat(t.pathOrNull(f)).as("a new /base/d/f is another file").isNull();
    }

    @Test
    void pinnedInodeSurvivesForgetUntilUnpinned() throws Exception {
        Inode f = t.lookup(t.root(), "f");
        t.pin(f);
        t.forget(f.nodeid(), 1); // FORGET overtook the RELEASE of an open handle
        assertThat(t.find(t.root(), "f")).as("a new lookup finds the inode with its write state").isSameAs(f);
        assertThat(t.lookup(t.root(), "f")).isSameAs(f);
        t.forget(f.nodeid(), 1);
        t.unpin(f);
        assertThat(t.get(f.nodeid())).isNull();
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void exchangeSwaps() throws Exception {
        Inode x = t.lookup(t.root(), "x");
        Inode dir = t.lookup(t.root(), "dir");
        Inode y = t.lookup(dir, "y");
        t.exchange(t.root(), "x", dir, "y");
        assertThat(t.path(x).toString()).isEqualTo("/base/dir/y");
        assertThat(t.path(y).toString()).isEqualTo("/base/x");
        assertThat(t.find(dir, "y")).isSameAs(x);
    }
}
