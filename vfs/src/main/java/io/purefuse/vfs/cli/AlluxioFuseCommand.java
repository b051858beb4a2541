package io.purefuse.vfs.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse}: mount an Alluxio namespace (embedded mode: a local directory as the UFS)
 * with purefuse, list our mounts, unmount them.
 *
 * <p>Exit codes: 0 success, 1 the operation failed, 2 bad usage (unknown option, bad value). Every
 * usage error is one line on stderr.
 */
@Command(name = "alluxio-fuse", mixinStandardHelpOptions = true, version = "purefuse alluxio-fuse 0.1.0",
        description = "Alluxio FUSE in pure Java: mount an Alluxio namespace as a local filesystem.",
        subcommands = {MountCommand.class, UnmountCommand.class, ListCommand.class, UpgradeCommand.class},
        synopsisSubcommandLabel = "(mount | unmount | list)")
public final class AlluxioFuseCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: mount, unmount or list");
    }

    /** Builds the picocli command line with one-line error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AlluxioFuseCommand());
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(ex.getCommandLine().getCommandName().equals("alluxio-fuse")
                    ? "alluxio-fuse: " + oneLine(ex.getMessage()) + " (see alluxio-fuse --help)"
                    : "alluxio-fuse " + ex.getCommandLine().getCommandName() + ": " + oneLine(ex.getMessage())
                            + " (see alluxio-fuse " + ex.getCommandLine().getCommandName() + " --help)");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            String prefix = "alluxio-fuse " + commandLine.getCommandName() + ": ";
            if (ex instanceof UsageError || ex instanceof IllegalArgumentException) {
                err.println(prefix + oneLine(ex.getMessage()));
                err.flush();
                return EXIT_USAGE;
            }
            err.println(prefix + oneLine(String.valueOf(ex.getMessage() != null ? ex.getMessage() : ex.toString())));
            err.flush();
            if (Boolean.getBoolean("purefuse.debug")) {
                ex.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cl;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ').strip();
    }

    /** A bad value discovered after parsing: exit 2 with a one-line message. */
    public static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
