package io.purefuse.mount;

import java.nio.file.Paths;

/**
 * Child JVM for {@link AutoUnmountTest}: mounts with auto_unmount (args: mount point, optional
 * {@link Mounter.Strategy}), says so, waits to be killed.
 */
public final class AutoUnmountChild {
    private AutoUnmountChild() {
    }

    public static void main(String[] args) throws Exception {
        Mounter.Strategy strategy = args.length > 1 ? Mounter.Strategy.valueOf(args[1]) : Mounter.Strategy.AUTO;
        FuseMount m = new Mounter(strategy).mount(Paths.get(args[0]),
                MountOptions.builder().autoUnmount(true).subtype("purefusechild").build());
        System.out.println("mounted " + m.mountPoint() + " strategy " + m.strategy() + " helper " + m.helperPid().orElse(-1));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
