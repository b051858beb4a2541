package io.purefuse.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlluxioPathTest {
  @Test
  void rootAndChildren() throws Exception {
    AlluxioPath root = AlluxioPath.of("/");
    assertThat(root).isSameAs(AlluxioPath.root());
    assertThat(root.isRoot()).isTrue();
    assertThat(root.name()).isEmpty();
    assertThat(root.parent()).isNull();
    assertThat(root.depth()).isZero();
    assertThat(root.relative()).isEmpty();

    AlluxioPath p = AlluxioPath.of("/a/b c/d");
    assertThat(p.name()).isEqualTo("d");
    assertThat(p.parent()).isEqualTo(AlluxioPath.of("/a/b c"));
    assertThat(p.parent().parent()).isEqualTo(AlluxioPath.of("/a"));
    assertThat(p.parent().parent().parent()).isEqualTo(root);
    assertThat(p.depth()).isEqualTo(3);
    assertThat(p.components()).containsExactly("a", "b c", "d");
    assertThat(p.relative()).isEqualTo("a/b c/d");
    assertThat(root.child("a").child("b c").child("d")).isEqualTo(p);
    assertThat(AlluxioPath.of("/a").isSameOrAncestorOf(p)).isTrue();
    assertThat(AlluxioPath.of("/a/b").isSameOrAncestorOf(p)).isFalse();
    assertThat(p.isSameOrAncestorOf(p)).isTrue();
    assertThat(root.isSameOrAncestorOf(p)).isTrue();
  }

  @Test
  void oddButLegalNames() throws Exception {
    for (String n : new String[] {"a b", "?", "\\", "*", "-x", "...", ".hidden", "日本語", "😀", "a\nb"}) {
      assertThat(AlluxioPath.root().child(n).name()).isEqualTo(n);
      assertThat(AlluxioPath.of("/" + n).name()).isEqualTo(n);
    }
    String max = "x".repeat(255);
    assertThat(AlluxioPath.root().child(max).name()).isEqualTo(max);
    String maxUtf8 = "日".repeat(85); // 255 bytes
    assertThat(AlluxioPath.root().child(maxUtf8).name()).isEqualTo(maxUtf8);
  }

  @Test
  void rejectsMalformedPaths() {
    for (String bad : new String[] {"", "a", "a/b", "/a/", "//", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a\0b"}) {
      assertThatThrownBy(() -> AlluxioPath.of(bad)).as(bad).isInstanceOf(InvalidPathException.class)
          .extracting(e -> ((BackendException) e).errno()).isEqualTo(22);
    }
    for (String bad : new String[] {"", ".", "..", "a/b", "a\0"}) {
      assertThatThrownBy(() -> AlluxioPath.root().child(bad)).as(bad).isInstanceOf(InvalidPathException.class);
    }
    assertThatThrownBy(() -> AlluxioPath.root().child("a\uD800b")).isInstanceOf(InvalidPathException.class);
    assertThatThrownBy(() -> AlluxioPath.root().child("x".repeat(256)))
        .isInstanceOf(InvalidPathException.class)
        .extracting(e -> ((BackendException) e).code()).isEqualTo(ErrorCode.NAME_TOO_LONG);
    assertThatThrownBy(() -> AlluxioPath.of("/a/" + "日".repeat(86)))
        .extracting(e -> ((BackendException) e).errno()).isEqualTo(36);
  }
}
