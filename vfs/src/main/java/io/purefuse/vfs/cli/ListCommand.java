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
        description = "List purefuse mounts (type fuse." + FuseMountOptions.SUBTYPE + "): mount point, source, server pid, "
                + "supervisor pid, takeovers/upgrades, log, and requests in flight for more than 1 s.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-40s %-20s %-8s %-10s %-9s %s%n", "MOUNT POINT", "SOURCE", "PID", "SUPERVISOR", "TAKEOVERS",
                "LOG");
        for (MountTable.Entry e : MountTable.fuseMounts()) {
            if (!e.subtype().map(FuseMountOptions.SUBTYPE::equals).orElse(false)) {
                continue;
            }
            RuntimeFiles rf = RuntimeFiles.of(e.mountPoint());
            OptionalLong pid = rf.livePid();
            java.util.Map<String, String> sup = supervisorStatus(e.mountPoint());
            String server = sup.getOrDefault("server", pid.isPresent() ? Long.toString(pid.getAsLong()) : "-");
            out.printf("%-40s %-20s %-8s %-10s %-9s %s%n", e.mountPoint(), e.source(), server,
                    sup.getOrDefault("supervisor", "-"),
                    sup.containsKey("takeovers") ? sup.get("takeovers") + "/" + sup.get("upgrades") : "-",
                    java.nio.file.Files.exists(rf.log()) ? rf.log().toString() : "-");
            // Requests older than 1 s, from the status file the mount process rewrites.
            for (String l : MountStatusFile.describe(rf.status(), System.currentTimeMillis(), pid.isPresent())) {
                out.println(l);
            }
        }
        out.flush();
        return AlluxioFuseCommand.EXIT_OK;
    }

    /** The supervisor's status fields (server, supervisor, takeovers, upgrades, ...), empty if unsupervised. */
    static java.util.Map<String, String> supervisorStatus(java.nio.file.Path mountPoint) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        java.nio.file.Path socket = io.purefuse.mount.supervisor.RunDirectory.controlSocket(mountPoint);
        if (!java.nio.file.Files.exists(socket)) {
            return m;
        }
        try {
            for (String l : io.purefuse.mount.supervisor.ControlServer.call(socket, "status")) {
                String[] kv = l.split(" ", 2);
                m.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        } catch (java.io.IOException e) {
            // a supervisor that died: no fields
        }
        return m;
    }
}
