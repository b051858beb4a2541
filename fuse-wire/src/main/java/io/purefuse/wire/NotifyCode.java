package io.purefuse.wire;

/** fuse_notify_code: the error field of an unsolicited notification (unique 0). */
public enum NotifyCode {
    POLL(1), INVAL_INODE(2), INVAL_ENTRY(3), STORE(4), RETRIEVE(5), DELETE(6), RESEND(7),
    INC_EPOCH(8), PRUNE(9);

    private static final NotifyCode[] BY_CODE = new NotifyCode[10];

    static {
        for (NotifyCode c : values()) {
            BY_CODE[c.code] = c;
        }
    }

    private final int code;

    NotifyCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The notification for a code, or {@code null} when unknown. */
    public static NotifyCode of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
