package io.purefuse.backend;

/**
 * Flags of {@link FileSystemBackend#rename}, after {@code renameat2(2)}. Immutable.
 *
 * <ul>
 *   <li>default: POSIX {@code rename(2)}: an existing target is replaced atomically if the types
 *       are compatible (file over file, directory over an empty directory);
 *   <li>{@link #noReplace()}: fail with {@link AlreadyExistsException} if the target exists; the
 *       check and the rename are one atomic step;
 *   <li>{@link #exchange()}: atomically swap two existing entries (both must exist).
 * </ul>
 * The two flags are mutually exclusive.
 */
public final class RenameOptions {
  private static final RenameOptions DEFAULTS = new RenameOptions(false, false);
  private static final RenameOptions NO_REPLACE = new RenameOptions(true, false);
  private static final RenameOptions EXCHANGE = new RenameOptions(false, true);

  private final boolean noReplace;
  private final boolean exchange;

  private RenameOptions(boolean noReplace, boolean exchange) {
    this.noReplace = noReplace;
    this.exchange = exchange;
  }

  public static RenameOptions defaults() {
    return DEFAULTS;
  }

  public static RenameOptions noReplaceOption() {
    return NO_REPLACE;
  }

  public static RenameOptions exchangeOption() {
    return EXCHANGE;
  }

  /**
   * From the {@code RENAME_NOREPLACE} (1) / {@code RENAME_EXCHANGE} (2) flag bits of a FUSE
   * RENAME2 request.
   *
   * @throws InvalidArgumentException for both bits together or any other bit (the kernel's
   *     EINVAL)
   */
  public static RenameOptions fromFlags(int flags) throws InvalidArgumentException {
    switch (flags) {
      case 0:
        return DEFAULTS;
      case 1:
        return NO_REPLACE;
      case 2:
        return EXCHANGE;
      default:
        throw new InvalidArgumentException(
            ErrorCode.INVALID_ARGUMENT, null, "unsupported rename flags 0x" + Integer.toHexString(flags), null);
    }
  }

  public boolean noReplace() {
    return noReplace;
  }

  public boolean exchange() {
    return exchange;
  }
}
