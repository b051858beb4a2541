package io.purefuse.session.device;

import java.io.IOException;

/** A read or write on the FUSE device failed with an errno the session cannot recover from. */
public class DeviceException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public DeviceException(String message, int errno) {
        super(message + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
