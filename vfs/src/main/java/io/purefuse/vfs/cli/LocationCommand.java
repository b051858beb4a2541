package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
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
 * {@code alluxio-fuse location [cluster options] PATH...}: the worker that owns each path on the
 * consistent-hash ring (the one reads and writes of that file go to), one line per path:
 * {@code PATH worker=UUID address=HOST:PORT ufs=UFS_PATH}.
 */
@Command(name = "location", mixinStandardHelpOptions = true,
        description = "Print the worker (identity and address) that owns each Alluxio PATH.")
final class LocationCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client = new ClientOptions();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Alluxio paths (like /data/train/part-0).")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        FuseConfig config = client.resolve("location");
        List<AlluxioPath> parsed = CliPaths.parse(paths);
        PrintWriter out = spec.commandLine().getOut();
        try (ClusterClient c = ClusterClients.open(config)) {
            for (AlluxioPath p : parsed) {
                WorkerInfo w = c.ownerOf(p);
                out.println(p + " worker=" + w.identity() + " address=" + w.address() + " ufs=" + c.ufsPath(p));
            }
        } catch (BackendException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        out.flush();
        return AlluxioFuseCommand.EXIT_OK;
    }
}
