package io.purefuse.vfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process (thread group) of a request's caller. FUSE requests carry the calling thread's id;
 * {@code /proc/<tid>/status} names its thread group, which all threads of one process share and a
 * forked child does not.
 */
final class ProcessIds {
    private ProcessIds() {
    }

    /** The thread group id of thread {@code tid}, or -1 if unknown (0, gone, another namespace). */
    static int tgidOf(int tid) {
        if (tid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(tid), "status"),
                    StandardCharsets.UTF_8)) {
                if (line.startsWith("Tgid:")) {
                    return Integer.parseInt(line.substring(5).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
