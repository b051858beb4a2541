package io.purefuse.mount;

import static io.purefuse.mount.MountTestSupport.assertNothingMountedUnder;
import static io.purefuse.mount.MountTestSupport.detachAllUnder;
import static io.purefuse.mount.MountTestSupport.statErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounting as an unprivileged user through the set-uid fusermount3: a child JVM runs as
 * {@code nobody} (switched with {@code setpriv}). The set-up makes {@code /dev/fuse} usable by
 * everyone for the duration of the class and restores its mode afterwards; the classpath is copied
 * where {@code nobody} can read it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NonRootMountTest {
    static final int NOBODY = 65534;

    @TempDir
    static Path shared;
    static String devFuseMode;
    static String classpath;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Mounter.isRoot(), "NonRootMountTest needs root: it switches to the user nobody with setpriv "
                + "and makes /dev/fuse accessible to it; run the tests as root to check non-root mounting");
        assumeTrue(Mounter.findFusermount().isPresent(), "fusermount3 not installed");
        assumeTrue(Files.isExecutable(Paths.get("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
        devFuseMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(Mounter.DEV_FUSE));
        Files.setPosixFilePermissions(Mounter.DEV_FUSE, PosixFilePermissions.fromString("rw-rw-rw-"));
        classpath = readableClasspath(shared.resolve("cp"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void restoreDevFuse() throws IOException {
        if (devFuseMode != null) {
            Files.setPosixFilePermissions(Mounter.DEV_FUSE, PosixFilePermissions.fromString(devFuseMode));
        }
    }

    @AfterEach
    void cleanup() {
        detachAllUnder(tmp);
    }

    /** Copies the test classpath (jars under /root are not readable by nobody) into {@code dir}. */
    private static String readableClasspath(Path dir) throws IOException {
        Files.createDirectories(dir);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String e : cp.split(":")) {
            Path src = Paths.get(e);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = dir.resolve((i++) + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (Stream<Path> s = Files.walk(src)) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(src, dst);
            }
            out.add(dst.toString());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(":", out);
    }

    private Path mountPointOwnedByNobody(String name) throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mp = Files.createDirectory(tmp.resolve(name));
        Files.setAttribute(mp, "unix:uid", NOBODY);
        Files.setAttribute(mp, "unix:gid", NOBODY);
        return mp;
    }

    private Process startAsNobody(String mode, Path mp) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "--", java, "-cp", classpath, NonRootChild.class.getName(), mode, mp.toString()))
                .redirectErrorStream(true).start();
    }

    /** Reads lines until one starts with one of {@code prefixes}; all lines read so far in {@code seen}. */
    private static String awaitLine(BufferedReader r, StringBuilder seen, String... prefixes) throws IOException {
        String line;
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
            for (String p : prefixes) {
                if (line.startsWith(p)) {
                    return line;
                }
            }
        }
        return null;
    }

    @Test
    void anUnprivilegedUserMountsServesAndUnmountsThroughFusermount() throws Exception {
        Path mp = mountPointOwnedByNobody("user-mnt");
        Process child = startAsNobody("serve", mp);
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line = awaitLine(r, seen, "mounted", "no INIT");
            assertThat(line).as("child output:\n%s", seen).isEqualTo("mounted strategy FUSERMOUNT3");
            assertThat(seen.toString()).contains("euid " + NOBODY);
            MountTable.Entry e = MountTable.find(mp).orElseThrow();
            assertThat(e.fsType()).isEqualTo("fuse.purefusenonroot");
            assertThat(e.superOptions()).contains("user_id=" + NOBODY).contains("group_id=" + NOBODY);
            // Without allow_other nobody but the mounting user gets in, root included.
            assertThat(statErrno(mp, 5_000)).isEqualTo(Native.EACCES);
            try (OutputStream in = child.getOutputStream()) {
                in.write('\n');
            }
            assertThat(awaitLine(r, seen, "unmounted")).as("child output:\n%s", seen).isNotNull();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("child output:\n%s", seen).isZero();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertNothingMountedUnder(tmp);
    }

    @Test
    void allowOtherIsRefusedWithoutUserAllowOther() throws Exception {
        Path conf = Paths.get("/etc/fuse.conf");
        boolean allowed = Files.exists(conf)
                && Files.readAllLines(conf).stream().anyMatch(l -> l.trim().equals("user_allow_other"));
        assumeFalse(allowed, "/etc/fuse.conf sets user_allow_other on this machine: nothing to refuse");
        Path mp = mountPointOwnedByNobody("user-allow-other");
        Process child = startAsNobody("allow_other", mp);
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line = awaitLine(r, seen, "refused:", "mounted-unexpectedly");
            assertThat(line).as("child output:\n%s", seen).startsWith("refused:")
                    .contains("allow_other").contains("user_allow_other");
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertNothingMountedUnder(tmp);
    }
}
