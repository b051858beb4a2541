package io.purefuse.session;

/**
 * Answers to requests the kernel resends after a takeover ({@code FUSE_NOTIFY_RESEND}) that the
 * previous server had already carried out but not answered: running a CREATE, MKDIR, RENAME or
 * UNLINK again would fail (EEXIST, ENOENT) or do it twice. A filesystem that restores its state
 * from a journal knows which uniques it executed and what their replies were.
 */
@FunctionalInterface
public interface ResentReplies {
    /**
     * The complete reply frame (out-header included; its unique is replaced by the resent one)
     * for the request the kernel first sent as {@code originalUnique} (bit 63 cleared), or null
     * to run the request again.
     */
    byte[] replyFor(long originalUnique);
}
