package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.membership.WorkerInfo;
import io.purefuse.vfs.FuseConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse stat [cluster options] PATH...}: for each file, its length, how much of it
 * its owning worker has cached ({@code in_alluxio_percentage}, as Alluxio's {@code fs stat} names
 * it) and which worker that is; a directory prints {@code type=directory}. One line per path.
 * Exit 1 if any path failed (it is reported on stderr, the others are still shown).
 */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = "Show how much of each file is cached in Alluxio (in_alluxio_percentage) and on which worker.")
final class StatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client = new ClientOptions();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Alluxio paths.")
    List<String> paths;

    @Override
    public Integer call() {
        FuseConfig config = client.resolve("stat");
        List<AlluxioPath> parsed = CliPaths.parse(paths);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        try (ClusterClient c = ClusterClients.open(config)) {
            for (AlluxioPath p : parsed) {
                try {
                    FileStatus st = c.backend().getStatus(p);
                    if (st.isDirectory()) {
                        out.println(p + " type=directory");
                        continue;
                    }
                    WorkerInfo w = c.ownerOf(p);
                    int pct = c.cachedPercentage(p);
                    out.println(p + " type=file length=" + st.length() + " in_alluxio_percentage=" + pct
                            + " worker=" + w.identity() + " address=" + w.address());
                } catch (BackendException e) {
                    failed++;
                    err.println("alluxio-fuse stat: " + p + ": " + AlluxioFuseCommand.oneLine(e.getMessage()));
                }
            }
        } catch (BackendException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        out.flush();
        err.flush();
        return failed == 0 ? AlluxioFuseCommand.EXIT_OK : AlluxioFuseCommand.EXIT_FAILED;
    }
}
