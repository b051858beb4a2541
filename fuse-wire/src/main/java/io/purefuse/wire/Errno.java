package io.purefuse.wire;

/** Linux (x86-64 and arm64 generic) errno values used by FUSE servers. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int ENOTBLK = 15;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ETXTBSY = 26;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int EDOM = 33;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOLCK = 37;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int ENOMSG = 42;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int ENOLINK = 67;
    public static final int EPROTO = 71;
    public static final int EBADMSG = 74;
    public static final int EOVERFLOW = 75;
    public static final int EILSEQ = 84;
    public static final int EUSERS = 87;
    public static final int ENOTSOCK = 88;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int ENOTSUP = EOPNOTSUPP;
    public static final int EADDRINUSE = 98;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ESTALE = 116;
    public static final int EREMOTEIO = 121;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;
    public static final int EKEYEXPIRED = 127;

    private static final String[] NAMES = new String[128];

    static {
        String[][] table = {
            {"EPERM", "1"}, {"ENOENT", "2"}, {"ESRCH", "3"}, {"EINTR", "4"}, {"EIO", "5"},
            {"ENXIO", "6"}, {"E2BIG", "7"}, {"ENOEXEC", "8"}, {"EBADF", "9"}, {"ECHILD", "10"},
            {"EAGAIN", "11"}, {"ENOMEM", "12"}, {"EACCES", "13"}, {"EFAULT", "14"},
            {"ENOTBLK", "15"}, {"EBUSY", "16"}, {"EEXIST", "17"}, {"EXDEV", "18"},
            {"ENODEV", "19"}, {"ENOTDIR", "20"}, {"EISDIR", "21"}, {"EINVAL", "22"},
            {"ENFILE", "23"}, {"EMFILE", "24"}, {"ENOTTY", "25"}, {"ETXTBSY", "26"},
            {"EFBIG", "27"}, {"ENOSPC", "28"}, {"ESPIPE", "29"}, {"EROFS", "30"},
            {"EMLINK", "31"}, {"EPIPE", "32"}, {"EDOM", "33"}, {"ERANGE", "34"},
            {"EDEADLK", "35"}, {"ENAMETOOLONG", "36"}, {"ENOLCK", "37"}, {"ENOSYS", "38"},
            {"ENOTEMPTY", "39"}, {"ELOOP", "40"}, {"ENOMSG", "42"}, {"ENODATA", "61"},
            {"ETIME", "62"}, {"ENOLINK", "67"}, {"EPROTO", "71"}, {"EBADMSG", "74"},
            {"EOVERFLOW", "75"}, {"EILSEQ", "84"}, {"EUSERS", "87"}, {"ENOTSOCK", "88"},
            {"EMSGSIZE", "90"}, {"EPROTONOSUPPORT", "93"}, {"EOPNOTSUPP", "95"},
            {"EADDRINUSE", "98"}, {"ENETDOWN", "100"}, {"ENETUNREACH", "101"},
            {"ECONNABORTED", "103"}, {"ECONNRESET", "104"}, {"ENOBUFS", "105"},
            {"ENOTCONN", "107"}, {"ETIMEDOUT", "110"}, {"ECONNREFUSED", "111"},
            {"EHOSTUNREACH", "113"}, {"EALREADY", "114"}, {"EINPROGRESS", "115"},
            {"ESTALE", "116"}, {"EREMOTEIO", "121"}, {"EDQUOT", "122"}, {"ECANCELED", "125"},
            {"EKEYEXPIRED", "127"},
        };
        for (String[] e : table) {
            NAMES[Integer.parseInt(e[1])] = e[0];
        }
    }

    private Errno() {
    }

    /** The symbolic name ("ENOENT"), accepting a negative value too; "E<n>" when unknown. */
    public static String name(int errno) {
        int e = errno < 0 ? -errno : errno;
        if (e == 0) {
            return "OK";
        }
        if (e > 0 && e < NAMES.length && NAMES[e] != null) {
            return NAMES[e];
        }
        return "E" + e;
    }
}
