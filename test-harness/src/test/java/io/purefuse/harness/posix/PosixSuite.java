package io.purefuse.harness.posix;

import io.purefuse.harness.fixture.Shell;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the POSIX cases ({@code src/test/resources/posix/posix_suite.py}, one python module per
 * category) against one mount: every case runs in a fresh directory of a plain local file system
 * (the ground truth) and in a fresh directory of the mount, and the two runs must agree, or differ
 * exactly as {@code declared.py} declares for the backend. The table goes to stdout and to
 * {@code target/posix-table-<backend>.md}, every case's steps to {@code target/posix-<backend>.json}.
 */
final class PosixSuite {
    /** Where the table and the per-case results are written (the module's target/ under Maven). */
    static final Path OUT = Path.of(System.getProperty("posix.out", "target")).toAbsolutePath();
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private PosixSuite() {}

    /** The suite's exit status and output. */
    record Run(String backend, Shell.Result result, Path table) {
        boolean ok() {
            return result.ok();
        }

        /** The lines of failed cases, for the assertion message. */
        String failures() {
            List<String> out = new ArrayList<>();
            for (String line : result.stdout().split("\n")) {
                if (line.startsWith("FAIL")) {
                    out.add(line);
                }
            }
            return out.isEmpty() ? result.describe() : String.join("\n", out) + "\n--- stderr\n" + result.stderr();
        }
    }

    /**
     * Runs the cases of {@code categories} (module names, all when empty) in {@code caseRoot} and,
     * as the ground truth, in a new temporary directory (deleted afterwards).
     *
     * @param mountPoint the mount point itself (the rmdir-of-a-root case uses it)
     * @param caseRoot the directory on the mount that receives the cases (empty, traversable)
     */
    static Run run(String backend, Path mountPoint, Path caseRoot, List<String> categories) throws IOException {
        Path ref = Files.createTempDirectory("purefuse-posix-ref-");
        try {
            // Other users walk into both trees.
            Files.setPosixFilePermissions(ref, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(OUT);
            Path table = OUT.resolve("posix-table-" + backend + ".md");
            List<String> cmd = new ArrayList<>(List.of("python3", "-B", script().toString(), "--backend", backend,
                    "--ref", ref.toString(), "--mnt", caseRoot.toString(), "--fs-root", mountPoint.toString(),
                    "--table", table.toString(), "--json", OUT.resolve("posix-" + backend + ".json").toString()));
            if (!categories.isEmpty()) {
                cmd.add("--categories");
                cmd.add(String.join(",", categories));
            }
            Shell.Result r = Shell.run(TIMEOUT, null, cmd);
            System.out.println(r.stdout());
            if (!r.stderr().isBlank()) {
                System.out.println("--- stderr of the POSIX suite (" + backend + ")\n" + r.stderr());
            }
            return new Run(backend, r, table);
        } finally {
            deleteTree(ref);
        }
    }

    /** The categories to run: {@code -Dposix.categories=cat_open,cat_rename}, default all. */
    static List<String> categoriesFromProperty() {
        String v = System.getProperty("posix.categories", "").trim();
        return v.isEmpty() ? List.of() : List.of(v.split(","));
    }

    private static Path script() throws IOException {
        URL u = PosixSuite.class.getResource("/posix/posix_suite.py");
        if (u == null || !"file".equals(u.getProtocol())) {
            throw new IOException("posix/posix_suite.py is not a file on the test class path: " + u);
        }
        try {
            return Path.of(u.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /**
     * Deletes a tree whose paths may be longer than PATH_MAX (the long-path cases): {@code rm -rf}
     * walks relative to each directory, where the JDK would pass whole paths.
     */
    static void deleteTree(Path root) {
        if (Files.exists(root)) {
            Shell.Result r = Shell.run(Duration.ofMinutes(1), "rm", "-rf", "--one-file-system", root.toString());
            if (!r.ok()) {
                System.err.println("cleanup of " + root + " incomplete: " + r.describe());
            }
        }
    }
}
