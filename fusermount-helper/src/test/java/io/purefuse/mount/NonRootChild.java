package io.purefuse.mount;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

/**
 * Child JVM for {@link NonRootMountTest}, run as an unprivileged user. {@code serve MP}: mounts
 * through fusermount3, answers INIT, prints {@code mounted}, unmounts when a line arrives on stdin,
 * prints {@code unmounted}. {@code allow_other MP}: tries to mount with allow_other and prints
 * {@code refused: <reason>} or {@code mounted-unexpectedly}.
 */
public final class NonRootChild {
    private NonRootChild() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("euid " + Native.posix().geteuid());
        Mounter mounter = new Mounter(Mounter.Strategy.AUTO);
        if (args[0].equals("allow_other")) {
            try {
                FuseMount m = mounter.mount(Paths.get(args[1]),
                        MountOptions.builder().allowOther(true).subtype("purefusenonroot").build());
                System.out.println("mounted-unexpectedly");
                m.close();
            } catch (MountException e) {
                System.out.println("refused: " + e.getMessage());
            }
            return;
        }
        FuseMount m = mounter.mount(Paths.get(args[1]), MountOptions.builder().subtype("purefusenonroot").build());
        TestFuseServer server = new TestFuseServer(m.fd());
        try {
            if (!server.awaitInit(10_000)) {
                System.out.println("no INIT");
                return;
            }
            System.out.println("mounted strategy " + m.strategy());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } finally {
            m.close();
            server.close();
        }
        System.out.println("unmounted");
    }
}
