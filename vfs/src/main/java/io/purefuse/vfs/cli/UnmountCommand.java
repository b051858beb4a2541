package io.purefuse.vfs.cli;

import io.purefuse.mount.MountException;
import io.purefuse.mount.MountTable;
import io.purefuse.mount.Mounter;
import io.purefuse.vfs.FuseConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code alluxio-fuse unmount [--timeout D] MOUNTPOINT}: unmount, retrying while the mount is
 * busy (open files, a working directory inside) until the timeout, then detach it lazily (it
 * disappears from the namespace at once and goes away when the last user lets go). Then waits
 * for the mount process to exit.
 */
@Command(name = "unmount", aliases = "umount", mixinStandardHelpOptions = true,
        description = "Unmount a purefuse mount and stop its process.")
final class UnmountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "The mount point.")
    Path mountPoint;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION",
            description = "How long to retry while busy before a lazy unmount (like 30s, 2min; a bare number is "
                    + "seconds). Default: " + FuseConfig.UMOUNT_TIMEOUT + " (120s).")
    String timeout;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "An Alluxio property (" + FuseConfig.UMOUNT_TIMEOUT
            + " is the one unmount reads).")
    java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();

    @Option(names = "--conf", paramLabel = "FILE", description = "Properties file (alluxio-site.properties form).")
    Path conf;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long to wait for the mount process to exit after unmounting. Default: ${DEFAULT-VALUE}.")
    String processWait;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        FuseConfig config = new FuseConfig();
        if (conf != null) {
            try {
                config.load(conf);
            } catch (java.io.IOException e) {
                throw new AlluxioFuseCommand.UsageError("cannot load --conf file " + conf + ": " + e.getMessage());
            }
        }
        properties.forEach(config::set);
        Duration limit = timeout == null ? config.getDuration(FuseConfig.UMOUNT_TIMEOUT)
                : FuseConfig.parseDuration("--timeout", timeout.matches("\\d+") ? timeout + "s" : timeout);
        Duration waitExit = FuseConfig.parseDuration("--wait", processWait);
        Path mp = mountPoint.toAbsolutePath().normalize();
        RuntimeFiles rf = RuntimeFiles.of(mp);
        Optional<MountTable.Entry> entry = MountTable.find(mp).filter(MountTable.Entry::isFuse);
        if (entry.isEmpty()) {
            OptionalLong stale = rf.readPid();
            if (stale.isPresent() && rf.livePid().isEmpty()) {
                rf.deletePid(stale.getAsLong());
            }
            throw new IllegalStateException(mp + " is not a FUSE mount point");
        }
        OptionalLong pid = rf.livePid();
        Mounter mounter = new Mounter();
        long deadline = System.nanoTime() + limit.toNanos();
        boolean lazy = false;
        while (true) {
            try {
                mounter.unmount(mp, false);
                break;
            } catch (MountException e) {
                if (MountTable.find(mp).filter(MountTable.Entry::isFuse).isEmpty()) {
                    break; // went away meanwhile
                }
                if (System.nanoTime() >= deadline) {
                    spec.commandLine().getErr().println("alluxio-fuse unmount: " + mp + " still busy after "
                            + limit.toSeconds() + "s (" + e.getMessage() + "); detaching lazily");
                    mounter.unmount(mp, true);
                    lazy = true;
                    break;
                }
                Thread.sleep(200);
            }
        }
        if (pid.isPresent() && !lazy) {
            Optional<ProcessHandle> ph = ProcessHandle.of(pid.getAsLong());
            if (ph.isPresent()) {
                try {
                    ph.get().onExit().get(waitExit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    ph.get().destroy(); // SIGTERM: its shutdown hook finishes the session
                    spec.commandLine().getErr().println("alluxio-fuse unmount: mount process " + pid.getAsLong()
                            + " did not exit; sent SIGTERM");
                }
            }
        }
        out.println("Unmounted " + mp + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "")
                + (lazy ? " lazily: the mount process exits when the last open file is closed" : ""));
        out.flush();
        return AlluxioFuseCommand.EXIT_OK;
    }
}
