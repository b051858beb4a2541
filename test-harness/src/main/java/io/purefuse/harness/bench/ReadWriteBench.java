package io.purefuse.harness.bench;

import com.sun.management.ThreadMXBean;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.session.SessionOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throughput of a real mount against a baseline measured in the same run: the same {@code dd}
 * workloads on MemFs through purefuse and on tmpfs (the kernel alone, no FUSE). Prints MB/s and
 * the ratio for each, and the JVM heap allocated by the reader threads per request.
 *
 * <p>Run: {@code bin/purefuse-bench [SIZE_MIB]}. Numbers on shared 2-core VMs are noisy: compare
 * ratios from the same run, never absolute figures across runs.
 */
public final class ReadWriteBench {
    private static final Pattern DD_RATE = Pattern.compile("copied, ([0-9.]+) s,");
    private static final Duration DD_TIMEOUT = Duration.ofMinutes(5);

    private ReadWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "purefuse-bench-");
        MemFs.Options options = new MemFs.Options().capacityBytes((long) (sizeMib + 64) << 20);
        try (MountedFs m = MountedFs.mount(new MemFs(options), new SessionOptions())) {
            System.out.printf(Locale.ROOT, "purefuse bench: %d MiB, MemFs over FUSE vs tmpfs (baseline), dd%n", sizeMib);
            System.out.printf(Locale.ROOT, "%-34s %10s %10s %7s%n", "workload", "fuse MB/s", "tmpfs MB/s", "ratio");
            String fuseFile = m.path("data").toString();
            String shmFile = shm.resolve("data").toString();
            long count = sizeMib;
            row("write 1 MiB blocks (+fsync)",
                    dd("if=/dev/zero", "of=" + fuseFile, "bs=1M", "count=" + count, "conv=fsync"),
                    dd("if=/dev/zero", "of=" + shmFile, "bs=1M", "count=" + count, "conv=fsync"), sizeMib);
            long before = readerAllocatedBytes();
            row("read 1 MiB blocks, buffered",
                    dd("if=" + fuseFile, "of=/dev/null", "bs=1M"),
                    dd("if=" + shmFile, "of=/dev/null", "bs=1M"), sizeMib);
            row("read 1 MiB blocks, O_DIRECT",
                    dd("if=" + fuseFile, "of=/dev/null", "bs=1M", "iflag=direct"),
                    dd("if=" + shmFile, "of=/dev/null", "bs=1M"), sizeMib);
            int smallMib = Math.min(sizeMib, 128);
            double fuseSmall = dd("if=" + fuseFile, "of=/dev/null", "bs=4k", "count=" + (smallMib * 256), "iflag=direct");
            double shmSmall = dd("if=" + shmFile, "of=/dev/null", "bs=4k", "count=" + (smallMib * 256));
            row("read 4 KiB blocks, O_DIRECT", fuseSmall, shmSmall, smallMib);
            System.out.printf(Locale.ROOT, "%-34s %10.0f%n", "  = 4 KiB requests/s through FUSE", smallMib * 256 / fuseSmall);
            long after = readerAllocatedBytes();
            // Reads above: buffered 128 KiB requests, 1 MiB direct requests, 4 KiB direct requests.
            long requests = sizeMib * 8L + sizeMib + smallMib * 256L;
            System.out.printf(Locale.ROOT, "reader-thread heap allocation: %.1f bytes per READ (%d bytes, ~%d requests)%n",
                    (double) (after - before) / requests, after - before, requests);
        } finally {
            Shell.run(Duration.ofSeconds(30), "rm", "-rf", shm.toString());
        }
    }

    private static void row(String name, double fuseSeconds, double baseSeconds, int mib) {
        double fuse = mib * 1.048576 / fuseSeconds;
        double base = mib * 1.048576 / baseSeconds;
        System.out.printf(Locale.ROOT, "%-34s %10.0f %10.0f %7.2f%n", name, fuse, base, fuse / base);
    }

    /** Runs dd and returns the seconds it reports. */
    private static double dd(String... operands) {
        String[] cmd = new String[operands.length + 1];
        cmd[0] = "dd";
        System.arraycopy(operands, 0, cmd, 1, operands.length);
        Shell.Result r = Shell.run(DD_TIMEOUT, cmd).check();
        Matcher matcher = DD_RATE.matcher(r.stderr());
        if (!matcher.find()) {
            throw new IllegalStateException("no rate in dd output: " + r.stderr());
        }
        return Double.parseDouble(matcher.group(1));
    }

    private static long readerAllocatedBytes() {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("fuse-reader-")) {
                sum += mx.getThreadAllocatedBytes(t.getId());
            }
        }
        return sum;
    }
}
