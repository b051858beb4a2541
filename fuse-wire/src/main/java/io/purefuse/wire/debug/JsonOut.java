package io.purefuse.wire.debug;

/** A tiny JSON object writer over a StringBuilder (debug use; allocates). */
public final class JsonOut {
    private final StringBuilder sb;
    private boolean first = true;

    public JsonOut(StringBuilder sb) {
        this.sb = sb;
    }

    public StringBuilder builder() {
        return sb;
    }

    /** Writes {@code "k":} so that the caller can append a value (e.g. a whole object) itself. */
    public JsonOut key(String k) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(sb, k);
        sb.append(':');
        return this;
    }

    /** Opens an object: "{" . */
    public JsonOut open() {
        sb.append('{');
        first = true;
        return this;
    }

    public JsonOut close() {
        sb.append('}');
        first = false;
        return this;
    }

    /** Opens a nested object under {@code k}. */
    public JsonOut open(String k) {
        key(k);
        return open();
    }

    /** Opens an array under {@code k}. */
    public JsonOut openArray(String k) {
        key(k);
        sb.append('[');
        first = true;
        return this;
    }

    /** Opens an object as an array element. */
    public JsonOut openElement() {
        if (!first) {
            sb.append(',');
        }
        return open();
    }

    public JsonOut closeArray() {
        sb.append(']');
        first = false;
        return this;
    }

    /** Adds a number element to an open array. */
    public JsonOut elementU64(long v) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        sb.append(Long.toUnsignedString(v));
        return this;
    }

    public JsonOut u64(String k, long v) {
        key(k).sb.append(Long.toUnsignedString(v));
        return this;
    }

    public JsonOut i64(String k, long v) {
        key(k).sb.append(v);
        return this;
    }

    public JsonOut u32(String k, int v) {
        key(k).sb.append(Integer.toUnsignedLong(v));
        return this;
    }

    public JsonOut i32(String k, int v) {
        key(k).sb.append(v);
        return this;
    }

    public JsonOut bool(String k, boolean v) {
        key(k).sb.append(v);
        return this;
    }

    public JsonOut str(String k, CharSequence v) {
        key(k);
        if (v == null) {
            sb.append("null");
        } else {
            quote(sb, v);
        }
        return this;
    }

    /** Appends a JSON string literal. */
    public static void quote(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                case '\t':
                    sb.append("\\t");
                    break;
                default:
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)
                        && !(Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1)))
                        && !(Character.isLowSurrogate(c) && i > 0
                        && Character.isHighSurrogate(s.charAt(i - 1)))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}
