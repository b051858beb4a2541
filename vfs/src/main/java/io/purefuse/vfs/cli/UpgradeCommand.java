package io.purefuse.vfs.cli;

import io.purefuse.mount.supervisor.ControlServer;
import io.purefuse.mount.supervisor.RunDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse upgrade [-o OPT] [-D KEY=VALUE] MOUNTPOINT}: a new mount process (started
 * from the jars installed now, so a newer build) takes over the live mount from the running one;
 * open files stay open and applications see no error (writers whose stream the old process held
 * get EIO on their next write or close). Needs a supervised mount (the default for background
 * mounts).
 *
 * <p>{@code -o} and {@code -D} are added to the mount's command line (later values win) for the
 * new process and every later one; options fixed at mount time are refused ({@link UpgradeOptions})
 * with exit 2 and nothing changes. If the new process does not come up, the old one serves on
 * with its old command line (exit 1).
 */
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Replace the mount process of a supervised mount by a new one without unmounting.",
            "-o/-D change options that need no remount: -o attr_timeout, entry_timeout, negative_timeout, kernel_cache, "
                    + "auto_cache, direct_io, debug, and -D properties other than the UFS root, the Alluxio path, "
                    + "the mount options and passthrough."})
final class UpgradeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT")
    Path mountPoint;

    @Option(names = "-o", paramLabel = "OPT[,OPT...]", description = "A mount option to change (see above).")
    List<String> options = new ArrayList<>();

    @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "An Alluxio property to change, as in alluxio-site.properties.")
    Map<String, String> properties = new LinkedHashMap<>();

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
        String request = "upgrade";
        if (!options.isEmpty() || !properties.isEmpty()) {
            List<String> refused = UpgradeOptions.refusals(options, properties);
            if (!refused.isEmpty()) {
                refused.forEach(r -> err.println("alluxio-fuse upgrade: " + r));
                err.flush();
                return AlluxioFuseCommand.EXIT_USAGE;
            }
            Map<String, String> status = ListCommand.supervisorStatus(mp);
            String argv = status.get("argv");
            if (argv == null) {
                err.println("alluxio-fuse upgrade: the supervisor of " + mp + " does not tell its server command"
                        + " (an older build): upgrade without -o/-D first");
                err.flush();
                return AlluxioFuseCommand.EXIT_FAILED;
            }
            try {
                List<String> cmd = UpgradeOptions.apply(List.of(argv.split("\t")), new java.util.HashSet<>(List.of(mp.toString(),
                        status.getOrDefault("mount", mp.toString()))), options, properties);
                request = "upgrade " + String.join("\t", cmd);
            } catch (IllegalArgumentException e) {
                err.println("alluxio-fuse upgrade: " + e.getMessage());
                err.flush();
                return AlluxioFuseCommand.EXIT_FAILED;
            }
        }
        List<String> answer;
        try {
            answer = ControlServer.call(socket, request);
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
