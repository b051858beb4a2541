package io.purefuse.vfs.cli;

import io.purefuse.mount.MountTable;
import io.purefuse.vfs.FuseMountOptions;
import java.io.PrintWriter;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse list}: our mounts from /proc/self/mountinfo, with the pid from the pid file
 * and, below each, the requests its process has not answered for more than a second.
 */
@Command(name = "list", aliases = "stat", mixinStandardHelpOptions = true,
        description = "List purefuse mounts (type fuse." + FuseMountOptions.SUBTYPE + "): mount point, source, pid, log, "
                + "and requests in flight for more than 1 s.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-40s %-20s %-8s %s%n", "MOUNT POINT", "SOURCE", "PID", "LOG");
        for (MountTable.Entry e : MountTable.fuseMounts()) {
            if (!e.subtype().map(FuseMountOptions.SUBTYPE::equals).orElse(false)) {
                continue;
            }
            RuntimeFiles rf = RuntimeFiles.of(e.mountPoint());
            OptionalLong pid = rf.livePid();
            out.printf("%-40s %-20s %-8s %s%n", e.mountPoint(), e.source(),
                    pid.isPresent() ? Long.toString(pid.getAsLong()) : "-",
                    java.nio.file.Files.exists(rf.log()) ? rf.log().toString() : "-");
            // Requests older than 1 s, from the status file the mount process rewrites.
            for (String l : MountStatusFile.describe(rf.status(), System.currentTimeMillis(), pid.isPresent())) {
                out.println(l);
            }
        }
        out.flush();
        return AlluxioFuseCommand.EXIT_OK;
    }
}
