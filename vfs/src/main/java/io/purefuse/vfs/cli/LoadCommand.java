package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.ListOptions;
import io.purefuse.vfs.FuseConfig;
import io.purefuse.vfs.cli.AlluxioFuseCommand.UsageError;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse load [cluster options] [--threads N] [--progress auto|bar|plain] PATH...}:
 * warms files, or whole trees, into the cache of the workers that own them (LoadFile on the
 * owner), with a progress bar on a terminal and plain lines otherwise. Every file is attempted;
 * a file that fails is reported and the command exits 1 at the end.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load files or trees into the owning workers' caches, with progress (files, bytes, rate).")
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client = new ClientOptions();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Files loaded at once. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--progress", paramLabel = "auto|bar|plain", defaultValue = "auto",
            description = "A bar redrawn in place, or plain lines (auto: a bar on a terminal). Default: ${DEFAULT-VALUE}.")
    String progress;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Alluxio files or directories.")
    List<String> paths;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 256) {
            throw new UsageError("--threads must be 1-256: " + threads);
        }
        boolean bar = switch (progress) {
            case "auto" -> LoadProgress.stdoutIsTerminal();
            case "bar" -> true;
            case "plain" -> false;
            default -> throw new UsageError("--progress must be auto, bar or plain: '" + progress + "'");
        };
        FuseConfig config = client.resolve("load");
        List<AlluxioPath> roots = CliPaths.parse(paths);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ClusterClient c = ClusterClients.open(config)) {
            List<FileStatus> files = new ArrayList<>();
            long total = 0;
            for (AlluxioPath root : roots) {
                total += collect(c, root, files);
            }
            LoadProgress p = new LoadProgress(out, bar, files.size(), total);
            AtomicLong failed = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, files.size())), r -> {
                Thread t = new Thread(r, "alluxio-fuse-load");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> done = new ArrayList<>();
                for (FileStatus f : files) {
                    done.add(pool.submit(() -> loadOne(c, f, p, failed)));
                }
                for (Future<?> d : done) {
                    d.get();
                }
            } finally {
                pool.shutdownNow();
            }
            p.finish(failed.get());
            return failed.get() == 0 ? AlluxioFuseCommand.EXIT_OK : AlluxioFuseCommand.EXIT_FAILED;
        } catch (BackendException e) {
            err.flush();
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void loadOne(ClusterClient c, FileStatus f, LoadProgress p, AtomicLong failed) {
        long[] seen = {0};
        try {
            long n = c.load(f.path(), loaded -> {
                long delta;
                synchronized (seen) {
                    delta = loaded - seen[0];
                    seen[0] = Math.max(seen[0], loaded);
                }
                if (delta > 0) {
                    p.addBytes(delta);
                }
            });
            synchronized (seen) {
                if (n > seen[0]) {
                    p.addBytes(n - seen[0]);
                    seen[0] = n;
                }
            }
            p.fileDone(f.path().toString(), f.length(), null);
        } catch (BackendException | RuntimeException e) {
            failed.incrementAndGet();
            p.fileDone(f.path().toString(), f.length(), AlluxioFuseCommand.oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** Adds the regular files at or under {@code root} to {@code files}; returns their total length. */
    private static long collect(ClusterClient c, AlluxioPath root, List<FileStatus> files) throws BackendException {
        FileStatus st = c.backend().getStatus(root);
        if (!st.isDirectory()) {
            if (st.isRegularFile()) {
                files.add(st);
                return Math.max(0, st.length());
            }
            return 0;
        }
        long total = 0;
        Deque<AlluxioPath> dirs = new ArrayDeque<>();
        dirs.push(root);
        while (!dirs.isEmpty()) {
            AlluxioPath dir = dirs.pop();
            try (DirectoryListing l = c.backend().listStatus(dir, ListOptions.defaults())) {
                for (FileStatus e = l.next(); e != null; e = l.next()) {
                    if (e.isDirectory()) {
                        dirs.push(e.path());
                    } else if (e.isRegularFile()) {
                        files.add(e);
                        total += Math.max(0, e.length());
                    }
                }
            }
        }
        return total;
    }
}
