package io.purefuse.backend;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A validated, normalized path in the mounted namespace, relative to the namespace root.
 *
 * <p>Form: {@code "/"} is the root; every other path is {@code "/" + name ("/" + name)*} with no
 * trailing slash. A name is any non-empty string other than {@code "."} and {@code ".."} that
 * contains neither {@code '/'} nor NUL, contains no unpaired UTF-16 surrogate (so it encodes to
 * UTF-8 exactly) and is at most {@link #NAME_MAX} bytes long in UTF-8. Names are otherwise passed
 * through untouched: spaces, {@code ?}, {@code \}, control characters and any Unicode are legal.
 * Nothing is collapsed or resolved: {@code "/a//b"} or {@code "/a/./b"} are rejected rather than
 * normalized, because the VFS builds paths from kernel names one component at a time and a
 * malformed path there is a bug, never something to repair.
 *
 * <p>Instances are immutable and thread safe; {@link #equals} and {@link #hashCode} compare the
 * path string. How a backend maps a path to its store (a local directory, a UFS URI sent to a
 * worker) is the backend's business: see {@link FileSystemBackend#ufsPath}.
 */
public final class AlluxioPath implements Comparable<AlluxioPath> {
  /** Longest name in UTF-8 bytes (Linux NAME_MAX). */
  public static final int NAME_MAX = 255;

  private static final AlluxioPath ROOT = new AlluxioPath("/", 0);

  private final String path;
  /** Index of the first char of the last component (0 for root). */
  private final int nameStart;

  private AlluxioPath(String path, int nameStart) {
    this.path = path;
    this.nameStart = nameStart;
  }

  /** The namespace root {@code "/"}. */
  public static AlluxioPath root() {
    return ROOT;
  }

  /**
   * Parses and validates an absolute namespace path.
   *
   * @throws InvalidPathException if {@code path} is not of the form described in the class
   *     comment ({@link ErrorCode#NAME_TOO_LONG} for an over-long component)
   */
  public static AlluxioPath of(String path) throws InvalidPathException {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      throw new InvalidPathException(path, "namespace path must start with '/'");
    }
    if (path.length() == 1) {
      return ROOT;
    }
    int start = 1;
    int last = 1;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      checkName(path, path.substring(start, end));
      last = start;
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
    return new AlluxioPath(path, last);
  }

  /**
   * Validates a single path component (a directory entry name).
   *
   * @throws InvalidPathException if {@code name} is not a legal name
   */
  public static void checkName(String name) throws InvalidPathException {
    checkName(name, name);
  }

  private static void checkName(String whole, String name) throws InvalidPathException {
    if (name == null || name.isEmpty()) {
      throw new InvalidPathException(whole, "empty path component");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidPathException(whole, "'.' and '..' are not allowed as path components");
    }
    int utf8 = 0;
    for (int i = 0, n = name.length(); i < n; i++) {
      char c = name.charAt(i);
      if (c == '/' || c == 0) {
        throw new InvalidPathException(whole, "'/' or NUL inside a name");
      }
      if (c < 0x80) {
        utf8 += 1;
      } else if (c < 0x800) {
        utf8 += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(name.charAt(i + 1))) {
          throw new InvalidPathException(whole, "name is not valid Unicode (unpaired surrogate)");
        }
        utf8 += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new InvalidPathException(whole, "name is not valid Unicode (unpaired surrogate)");
      } else {
        utf8 += 3;
      }
    }
    if (utf8 > NAME_MAX) {
      throw new InvalidPathException(
          ErrorCode.NAME_TOO_LONG, whole, "name longer than " + NAME_MAX + " UTF-8 bytes");
    }
  }

  /**
   * The path of the entry {@code name} inside this directory path.
   *
   * @throws InvalidPathException if {@code name} is not a legal name
   */
  public AlluxioPath child(String name) throws InvalidPathException {
    checkName(name);
    return isRoot()
        ? new AlluxioPath("/" + name, 1)
        : new AlluxioPath(path + "/" + name, path.length() + 1);
  }

  /** The parent path, or {@code null} for the root. */
  public AlluxioPath parent() {
    if (isRoot()) {
      return null;
    }
    if (nameStart == 1) {
      return ROOT;
    }
    String p = path.substring(0, nameStart - 1);
    return new AlluxioPath(p, p.lastIndexOf('/') + 1);
  }

  /** The last component, or {@code ""} for the root. */
  public String name() {
    return isRoot() ? "" : path.substring(nameStart);
  }

  public boolean isRoot() {
    return path.length() == 1;
  }

  /** Number of components: 0 for the root, 1 for {@code "/a"}. */
  public int depth() {
    if (isRoot()) {
      return 0;
    }
    int d = 0;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        d++;
      }
    }
    return d;
  }

  /** The components from the root down; empty for the root. */
  public List<String> components() {
    if (isRoot()) {
      return Collections.emptyList();
    }
    List<String> out = new ArrayList<>();
    int start = 1;
    while (true) {
      int slash = path.indexOf('/', start);
      if (slash < 0) {
        out.add(path.substring(start));
        return out;
      }
      out.add(path.substring(start, slash));
      start = slash + 1;
    }
  }

  /** The path without its leading slash ({@code ""} for the root), for resolving under a root. */
  public String relative() {
    return path.substring(1);
  }

  /** True if {@code other} equals this path or lies below it. */
  public boolean isSameOrAncestorOf(AlluxioPath other) {
    if (isRoot() || path.equals(other.path)) {
      return true;
    }
    return other.path.length() > path.length()
        && other.path.startsWith(path)
        && other.path.charAt(path.length()) == '/';
  }

  /** Size of the path in UTF-8 bytes (the path is always well-formed Unicode). */
  public int utf8Length() {
    return path.getBytes(StandardCharsets.UTF_8).length;
  }

  @Override
  public int compareTo(AlluxioPath o) {
    return path.compareTo(o.path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlluxioPath && ((AlluxioPath) o).path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** The normalized path string, e.g. {@code "/"} or {@code "/a/b"}. */
  @Override
  public String toString() {
    return path;
  }
}
