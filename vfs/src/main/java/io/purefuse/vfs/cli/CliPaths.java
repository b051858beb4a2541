package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.InvalidPathException;
import io.purefuse.vfs.cli.AlluxioFuseCommand.UsageError;
import java.util.ArrayList;
import java.util.List;

/** Alluxio path arguments: absolute, as in {@code alluxio fs}. */
final class CliPaths {
    private CliPaths() {}

    static List<AlluxioPath> parse(List<String> args) {
        List<AlluxioPath> out = new ArrayList<>();
        for (String a : args) {
            if (!a.startsWith("/")) {
                throw new UsageError("'" + a + "' is not an Alluxio path: it must start with /");
            }
            try {
                out.add(AlluxioPath.of(a));
            } catch (InvalidPathException e) {
                throw new UsageError("bad Alluxio path '" + a + "': " + e.getMessage());
            }
        }
        return out;
    }
}
