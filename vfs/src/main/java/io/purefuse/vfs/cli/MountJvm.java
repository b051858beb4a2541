package io.purefuse.vfs.cli;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM options of the processes a background mount starts, chosen for start-up time and
 * resident memory (figures in the commit messages that set them):
 *
 * <ul>
 *   <li>the supervisor: a few MiB of heap, C1 only, jnr without runtime code generation (its
 *   reflective binding loads in a fraction of the time and is fast enough for the few calls a
 *   supervisor makes);</li>
 *   <li>the server: serial GC with a heap that grows from small and gives memory back, and the
 *   C heap trimmed when idle;</li>
 *   <li>then the options the {@code alluxio-fuse} launcher was started with, except those it
 *   gave for itself alone (before {@link #LAUNCHER_OPTIONS_END}): the user's
 *   {@code ALLUXIO_FUSE_JAVA_OPTS} come last, so they override these defaults.</li>
 * </ul>
 */
final class MountJvm {
    /**
     * bin/alluxio-fuse puts this system property after the options meant for the short-lived
     * launcher JVM alone (C1 only, serial GC): those are not passed on to the mount's processes.
     */
    static final String LAUNCHER_OPTIONS_END = "-Dpurefuse.launcher.options.end=true";

    /** The supervisor only mounts, holds fds and waits. */
    static final List<String> SUPERVISOR = List.of("-Xmx8m", "-Xms2m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=8m", "-XX:-UsePerfData",
            "-Djnr.ffi.asm.enabled=false");

    /** The server (the user's options, appended after these, override them). */
    static final List<String> SERVER = List.of("-XX:+UseSerialGC", "-Xms8m", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:-UsePerfData");

    /** Given only when the running JVM knows it (a product flag since 17.0.9 and 21.0.1; unknown flags are fatal). */
    static final String TRIM_NATIVE_HEAP = "-XX:TrimNativeHeapInterval=1000";

    private MountJvm() {
    }

    /** The options of the launcher JVM its mount processes inherit (no debugger or agent). */
    static List<String> inherited(List<String> launcherOptions) {
        int end = launcherOptions.lastIndexOf(LAUNCHER_OPTIONS_END);
        List<String> out = new ArrayList<>();
        for (String a : launcherOptions.subList(end + 1, launcherOptions.size())) {
            if (!a.startsWith("-agentlib:jdwp") && !a.startsWith("-javaagent")) {
                out.add(a);
            }
        }
        return out;
    }

    static List<String> inherited() {
        return inherited(ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /** The server's JVM options: ours, then the inherited ones. */
    static List<String> server(List<String> inherited) {
        List<String> out = new ArrayList<>(SERVER);
        if (knowsOption("TrimNativeHeapInterval")) {
            out.add(TRIM_NATIVE_HEAP);
        }
        out.addAll(inherited);
        return out;
    }

    /** Environment of the mount's processes: fewer glibc malloc arenas (each a region of its own). */
    static void environment(Map<String, String> env) {
        env.putIfAbsent("MALLOC_ARENA_MAX", "2");
    }

    /** Whether this JVM (the one the mount's processes run too) has the -XX option {@code name}. */
    static boolean knowsOption(String name) {
        try {
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name);
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return false;
        }
    }
}
