package io.purefuse.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
  @Test
  void errnoValues() {
    Map<ErrorCode, Integer> expected = Map.ofEntries(
        Map.entry(ErrorCode.NOT_FOUND, 2), Map.entry(ErrorCode.ALREADY_EXISTS, 17),
        Map.entry(ErrorCode.DIRECTORY_NOT_EMPTY, 39), Map.entry(ErrorCode.IS_DIRECTORY, 21),
        Map.entry(ErrorCode.NOT_DIRECTORY, 20), Map.entry(ErrorCode.PERMISSION_DENIED, 13),
        Map.entry(ErrorCode.OPERATION_NOT_PERMITTED, 1), Map.entry(ErrorCode.NO_SPACE, 28),
        Map.entry(ErrorCode.QUOTA_EXCEEDED, 122), Map.entry(ErrorCode.UNSUPPORTED, 95),
        Map.entry(ErrorCode.INVALID_ARGUMENT, 22), Map.entry(ErrorCode.NAME_TOO_LONG, 36),
        Map.entry(ErrorCode.SYMLINK_LOOP, 40), Map.entry(ErrorCode.READ_ONLY, 30),
        Map.entry(ErrorCode.CROSS_DEVICE, 18), Map.entry(ErrorCode.FILE_TOO_LARGE, 27),
        Map.entry(ErrorCode.BUSY, 16), Map.entry(ErrorCode.UNAVAILABLE, 5),
        Map.entry(ErrorCode.TIMED_OUT, 110), Map.entry(ErrorCode.INTERRUPTED, 4),
        Map.entry(ErrorCode.IO_ERROR, 5));
    assertThat(expected).hasSize(ErrorCode.values().length);
    expected.forEach((c, errno) -> {
      assertThat(c.errno()).as(c.name()).isEqualTo(errno);
      if (c != ErrorCode.UNAVAILABLE) {
        assertThat(ErrorCode.fromErrno(errno)).isEqualTo(c);
      }
    });
    assertThat(ErrorCode.fromErrno(9999)).isEqualTo(ErrorCode.IO_ERROR);
  }

  @Test
  void factoryBuildsSpecificTypes() {
    assertThat(BackendException.of(ErrorCode.NOT_FOUND, "/a", "m", null)).isInstanceOf(NotFoundException.class);
    assertThat(BackendException.of(ErrorCode.ALREADY_EXISTS, "/a", "m", null)).isInstanceOf(AlreadyExistsException.class);
    assertThat(BackendException.of(ErrorCode.DIRECTORY_NOT_EMPTY, "/a", "m", null)).isInstanceOf(DirectoryNotEmptyException.class);
    assertThat(BackendException.of(ErrorCode.IS_DIRECTORY, "/a", "m", null)).isInstanceOf(IsDirectoryException.class);
    assertThat(BackendException.of(ErrorCode.NOT_DIRECTORY, "/a", "m", null)).isInstanceOf(NotDirectoryException.class);
    assertThat(BackendException.of(ErrorCode.OPERATION_NOT_PERMITTED, "/a", "m", null)).isInstanceOf(PermissionDeniedException.class);
    assertThat(BackendException.of(ErrorCode.QUOTA_EXCEEDED, "/a", "m", null)).isInstanceOf(NoSpaceException.class);
    assertThat(BackendException.of(ErrorCode.UNSUPPORTED, "/a", "m", null)).isInstanceOf(UnsupportedException.class);
    assertThat(BackendException.of(ErrorCode.NAME_TOO_LONG, "/a", "m", null)).isInstanceOf(InvalidArgumentException.class);
    assertThat(BackendException.of(ErrorCode.TIMED_OUT, "/a", "m", null)).isInstanceOf(UnavailableException.class);
    BackendException e = BackendException.of(ErrorCode.READ_ONLY, "/a", "m", null);
    assertThat(e.getClass()).isEqualTo(BackendException.class);
    assertThat(e.errno()).isEqualTo(30);
    assertThat(e.path()).isEqualTo("/a");
    assertThat(e.getMessage()).contains("READ_ONLY").contains("/a");
  }
}
