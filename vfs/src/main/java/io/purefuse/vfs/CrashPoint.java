package io.purefuse.vfs;

/**
 * Crash injection for takeover tests: with {@code -Dpurefuse.test.crashAfter=OP:NAME[,OP:NAME...]} the process
 * halts (as if killed) after carrying out OP on NAME and before answering, so a test can check
 * that the resent request is not failed by a successor. Does nothing without the property.
 */
final class CrashPoint {
    private static final java.util.Set<String> SPEC = java.util.Set.of(
            System.getProperty("purefuse.test.crashAfter", "").split(","));

    private CrashPoint() {
    }

    static void after(String op, String name) {
        if (SPEC.contains(op + ":" + name)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
