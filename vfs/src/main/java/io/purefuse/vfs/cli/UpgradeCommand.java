package io.purefuse.vfs.cli;

import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.mount.supervisor.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse upgrade MOUNTPOINT}: a new mount process (started from the jars installed
 * now, so a newer build) takes over the live mount from the running one; open files stay open
 * and applications see no error (writers whose stream the old process held get EIO on their
 * next write or close). Needs a supervised mount (the default for background mounts).
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Replace the mount process of a supervised mount by a new one without unmounting.")
final class UpgradeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    Path mountPoint;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path mp = mountPoint.toAbsolutePath().normalize();
        Path socket = RunDirectory.controlSocket(mp);
        if (!ControlServer.isLive(socket)) {
            err.println("alluxio-fuse upgrade: " + mp + " has no supervisor (not mounted, mounted with --unsupervised,"
                    + " -o auto_unmount or --foreground)");
            err.flush();
            return AlluxioFuseCommand.EXIT_FAILED;
        }
        List<String> answer;
        try {
            answer = ControlServer.call(socket, "upgrade");
        } catch (IOException e) {
            err.println("alluxio-fuse upgrade: " + e.getMessage());
            err.flush();
            return AlluxioFuseCommand.EXIT_FAILED;
        }
        String a = answer.isEmpty() ? "error no answer" : answer.get(0);
        if (a.startsWith("ok ")) {
            out.println(mp + ": " + a.substring(3));
            out.flush();
            return AlluxioFuseCommand.EXIT_OK;
        }
        err.println("alluxio-fuse upgrade: " + a.replaceFirst("^error ", ""));
        err.flush();
        return AlluxioFuseCommand.EXIT_FAILED;
    }
}
