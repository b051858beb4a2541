package io.purefuse.mount;

import java.nio.file.Paths;

/** Child JVM for {@link AutoUnmountTest}: mounts with auto_unmount, says so, waits to be killed. */
public final class AutoUnmountChild {
    private AutoUnmountChild() {
    }

    public static void main(String[] args) throws Exception {
        FuseMount m = new Mounter().mount(Paths.get(args[0]),
                MountOptions.builder().autoUnmount(true).subtype("purefusechild").build());
        System.out.println("mounted " + m.mountPoint() + " helper " + m.helperPid().orElse(-1));
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
