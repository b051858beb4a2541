package io.purefuse.harness.bench;

import com.sun.management.ThreadMXBean;
import io.purefuse.harness.fixture.MountedFs;
import io.purefuse.harness.fixture.Shell;
import io.purefuse.backend.local.LocalUnderFileSystem;
import io.purefuse.harness.memfs.MemFs;
import io.purefuse.session.LowLevelFilesystem;
import io.purefuse.vfs.AlluxioFuseFilesystem;
import io.purefuse.vfs.VfsOptions;
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
 * workloads through purefuse and on tmpfs (the kernel alone, no FUSE). Two filesystems are
 * measured: MemFs (the session's own cost) and the Alluxio VFS over a local UFS that lives on
 * tmpfs (what {@code alluxio-fuse mount --ufs} costs over reading the UFS directly), with FUSE
 * passthrough off, on, and on with random access (writable opens pass through too). Prints MB/s,
 * the ratio, and the JVM heap the reader threads allocate per READ.
 *
 * <p>Run: {@code bin/purefuse-bench [SIZE_MIB] [memfs|vfs|both]}. Numbers on shared 2-core VMs
 * are noisy: compare ratios from the same run, never absolute figures across runs.
 */
public final class ReadWriteBench {
    private static final Pattern DD_RATE = Pattern.compile("copied, ([0-9.]+) s,");
    private static final Duration DD_TIMEOUT = Duration.ofMinutes(5);

    private ReadWriteBench() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        String which = args.length > 1 ? args[1] : "both";
        if (which.equals("memfs") || which.equals("both")) {
            Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "purefuse-bench-");
            try {
                MemFs.Options options = new MemFs.Options().capacityBytes((long) (sizeMib + 512) << 20) /* small files take a 64 KiB chunk each */;
                run("MemFs", new MemFs(options), shm, sizeMib);
            } finally {
                Shell.run(Duration.ofSeconds(30), "rm", "-rf", shm.toString());
            }
        }
        if (which.equals("vfs") || which.equals("both")) {
            vfs("Alluxio VFS, local UFS on tmpfs, passthrough off", new VfsOptions().passthrough(false), sizeMib);
            vfs("Alluxio VFS, local UFS on tmpfs, passthrough on", new VfsOptions(), sizeMib);
            vfs("Alluxio VFS, local UFS on tmpfs, passthrough on, random access",
                    new VfsOptions().randomAccess(true), sizeMib);
        }
    }

    private static void vfs(String label, VfsOptions options, int sizeMib) throws Exception {
        Path ufs = Files.createTempDirectory(Path.of("/dev/shm"), "purefuse-bench-ufs-");
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "purefuse-bench-");
        try (LocalUnderFileSystem backend = LocalUnderFileSystem.open(ufs)) {
            run(label, new AlluxioFuseFilesystem(backend, options), shm, sizeMib);
        } finally {
            Shell.run(Duration.ofSeconds(30), "rm", "-rf", shm.toString(), ufs.toString());
        }
    }

    private static void run(String label, LowLevelFilesystem fs, Path shm, int sizeMib) throws Exception {
        SessionOptions so = new SessionOptions();
        if (fs instanceof AlluxioFuseFilesystem a) {
            so.passthrough(a.wantsPassthrough());
        }
        if (Integer.getInteger("purefuse.bench.threads") != null) {
            so.readerThreads(Integer.getInteger("purefuse.bench.threads"));
        }
        if (System.getProperty("purefuse.bench.trace") != null) {
            so.traceFile(Path.of(System.getProperty("purefuse.bench.trace")));
        }
        try (MountedFs m = MountedFs.mount(fs, so)) {
            System.out.printf(Locale.ROOT, "%npurefuse bench: %d MiB, %s over FUSE vs tmpfs (baseline), dd%n", sizeMib, label);
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
            if (m.session().passthrough() != null) {
                System.out.println("(FUSE passthrough negotiated)");
            }
            fioRow("random 4 KiB reads (fio, IOPS)", "randread", fuseFile, shmFile);
            fioRow("random 4 KiB writes (fio, IOPS)", "randwrite", fuseFile, shmFile);
            long after = readerAllocatedBytes();
            smallFiles(m.path("small"), shm.resolve("small"));
            // Reads above: buffered 128 KiB requests, 1 MiB direct requests, 4 KiB direct requests.
            long requests = sizeMib * 8L + sizeMib + smallMib * 256L;
            System.out.printf(Locale.ROOT, "reader-thread heap allocation: %.1f bytes per READ (%d bytes, ~%d requests)%n",
                    (double) (after - before) / requests, after - before, requests);
        }
    }

    /** Small-file latency: create+write+close, stat, and read of 4 KiB files (in-process NIO). */
    private static void smallFiles(Path fuseDir, Path baseDir) throws Exception {
        int n = 2000;
        byte[] content = new byte[4096];
        double[] fuse = null;
        double[] base = null;
        // Three rounds in fresh directories; the last one counts (the first ones warm the JIT,
        // as a long-running mount would be).
        for (int round = 0; round < 3; round++) {
            Path f = Files.createDirectories(fuseDir.resolve("r" + round));
            Path b = Files.createDirectories(baseDir.resolve("r" + round));
            fuse = smallFileRound(f, n, content);
            base = smallFileRound(b, n, content);
        }
        String[] names = {"create+write 4 KiB files", "stat files", "read 4 KiB files"};
        for (int i = 0; i < 3; i++) {
            System.out.printf(Locale.ROOT, "%-34s %8.0f/s %8.0f/s %7.2f   (%.0f us per file through FUSE)%n",
                    names[i], n / fuse[i], n / base[i], base[i] / fuse[i], fuse[i] * 1e6 / n);
        }
    }

    private static double[] smallFileRound(Path dir, int n, byte[] content) throws Exception {
        double[] seconds = new double[3];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Files.write(dir.resolve("f" + i), content);
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Files.readAttributes(dir.resolve("f" + i), "unix:size");
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Files.readAllBytes(dir.resolve("f" + i));
        }
        long t3 = System.nanoTime();
        seconds[0] = (t1 - t0) / 1e9;
        seconds[1] = (t2 - t1) / 1e9;
        seconds[2] = (t3 - t2) / 1e9;
        return seconds;
    }

    /** fio with one psync job for 3 s on an existing file; prints IOPS and the ratio (or why it failed). */
    private static void fioRow(String name, String rw, String fuseFile, String shmFile) {
        double fuse = fio(rw, fuseFile);
        double base = fio(rw, shmFile);
        if (fuse < 0 || base < 0) {
            System.out.printf(Locale.ROOT, "%-34s %10s%n", name, fuse == -2 || base == -2 ? "(no fio)" : "(failed: see stderr)");
            return;
        }
        System.out.printf(Locale.ROOT, "%-34s %10.0f %10.0f %7.2f%n", name, fuse, base, fuse / base);
    }

    /** IOPS of a fio job, -1 if it failed, -2 if fio is missing. */
    private static double fio(String rw, String file) {
        Shell.Result r;
        try {
            r = Shell.run(Duration.ofMinutes(1), "fio", "--name=bench", "--filename=" + file, "--rw=" + rw,
                    "--bs=4k", "--ioengine=psync", "--runtime=3", "--time_based", "--minimal");
        } catch (RuntimeException e) {
            return -2;
        }
        if (!r.ok()) {
            System.err.println("fio failed: " + r.describe());
            return -1;
        }
        String[] f = r.stdout().trim().split(";");
        // terse v3: field 8 is read IOPS, field 49 write IOPS (1-based).
        return Double.parseDouble(rw.contains("read") ? f[7] : f[48]);
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
