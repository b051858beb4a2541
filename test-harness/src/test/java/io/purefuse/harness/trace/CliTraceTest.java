package io.purefuse.harness.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.purefuse.mount.MountTable;
import io.purefuse.vfs.cli.AlluxioFuseCommand;
import io.purefuse.vfs.cli.RuntimeFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code alluxio-fuse mount --trace FILE -o debug}: the background mount process records a
 * conformance trace that {@code bin/fuse-trace dump} reads, and logs each request with its reply.
 */
@Timeout(180)
class CliTraceTest {
    Path base;
    Path mnt;
    Path runtime;

    @BeforeEach
    void dirs() throws Exception {
        base = Files.createTempDirectory("purefuse-trace-");
        runtime = Files.createDirectory(base.resolve("run"));
        Files.createDirectories(base.resolve("ufs"));
        Files.writeString(base.resolve("ufs/a.txt"), "traced\n");
        mnt = Files.createDirectory(base.resolve("mnt"));
    }

    @AfterEach
    void cleanup() throws Exception {
        if (MountTable.find(mnt).isPresent()) {
            new ProcessBuilder("fusermount3", "-u", "-z", mnt.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> s = Files.walk(base)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Result(int exit, String out) {}

    static Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile("purefuse-trace-out-", ".txt");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    Result cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Dsun.jnu.encoding=UTF-8");
        cmd.add("-Dfile.encoding=UTF-8");
        cmd.add("-D" + RuntimeFiles.DIR_PROPERTY + "=" + runtime);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(AlluxioFuseCommand.class.getName());
        cmd.addAll(List.of(args));
        return run(cmd, Map.of());
    }

    @Test
    void mountWithTraceAndDebugThenDumpTheTrace() throws Exception {
        Path trace = base.resolve("mount.trace");
        Result m = cli("mount", "--ufs", base.resolve("ufs").toString(), "--trace", trace.toString(), "-o", "debug",
                mnt.toString());
        assertThat(m.exit()).as(m.out()).isZero();
        long pid = Long.parseLong(read(runtime.resolve(RuntimeFiles.of(mnt).pid().getFileName())).strip());
        assertThat(Files.readString(mnt.resolve("a.txt"))).isEqualTo("traced\n");
        assertThat(Files.exists(mnt.resolve("missing.txt"))).isFalse();
        Result u = cli("unmount", mnt.toString());
        assertThat(u.exit()).as(u.out()).isZero();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());

        // -o debug: one line per request and reply in the mount's log
        String log = read(runtime.resolve(RuntimeFiles.of(mnt).log().getFileName()));
        assertThat(log.lines().filter(l -> l.contains("purefuse.fuse.debug")))
                .anyMatch(l -> l.matches(".*unique=\\d+ LOOKUP nodeid=1 pid=\\d+ \\{\"name\":\"a\\.txt\"\\} -> OK nodeid=\\d+ \\d+us"))
                .anyMatch(l -> l.matches(".*unique=\\d+ LOOKUP nodeid=1 pid=\\d+ \\{\"name\":\"missing\\.txt\"\\} -> OK nodeid=0 \\d+us")) // negative entry
                .anyMatch(l -> l.matches(".*unique=\\d+ READ nodeid=\\d+ .* -> OK bytes=7 \\d+us"));

        // --trace: bin/fuse-trace dump reads what the mount recorded
        assertThat(Files.size(trace)).isPositive();
        Path script = Path.of("..", "bin", "fuse-trace").toAbsolutePath().normalize();
        Result dump = run(List.of(script.toString(), "dump", trace.toString()),
                Map.of("FUSE_TRACE_CLASSPATH", System.getProperty("java.class.path")));
        assertThat(dump.exit()).as(dump.out()).isZero();
        List<String> lines = dump.out().lines().toList();
        assertThat(lines.get(0)).contains("\"dir\":\"req\"").contains("\"opcode\":\"INIT\"");
        assertThat(lines).anyMatch(l -> l.contains("\"dir\":\"req\"") && l.contains("\"opcode\":\"LOOKUP\"")
                && l.contains("\"name\":\"a.txt\""));
        assertThat(lines).anyMatch(l -> l.contains("\"dir\":\"rep\"") && l.contains("\"opcode\":\"LOOKUP\""));
        assertThat(lines).anyMatch(l -> l.contains("\"dir\":\"rep\"") && l.contains("\"opcode\":\"READ\""));
        assertThat(lines).noneMatch(l -> l.contains("error_decoding"));
    }

    @Test
    void traceIntoAMissingDirectoryIsAUsageError() throws Exception {
        Result m = cli("mount", "--ufs", base.resolve("ufs").toString(), "--trace",
                base.resolve("no/such/dir/t.trace").toString(), mnt.toString());
        assertThat(m.exit()).as(m.out()).isNotZero();
        assertThat(m.out()).contains("--trace");
        assertThat(MountTable.find(mnt)).isEmpty();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
