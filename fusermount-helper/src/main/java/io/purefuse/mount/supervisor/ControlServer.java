package io.purefuse.mount.supervisor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's control socket ({@link RunDirectory#controlSocket}): one command line per
 * connection, answered with lines and a final {@code end}.
 *
 * <pre>
 * status                  key value lines (see {@link Supervisor#status})
 * upgrade [ARG\tARG...]   planned upgrade, optionally to a new server command (tab separated)
 * stop                    unmount and end
 * </pre>
 * Answers to failed commands start with {@code error }.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Supervisor supervisor;
    private final Path path;
    private final ServerSocketChannel server;
    private volatile boolean closed;

    public ControlServer(Supervisor supervisor, Path path) throws IOException {
        this.supervisor = supervisor;
        this.path = path;
        Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        if (Files.exists(path) && !isLive(path)) {
            Files.delete(path); // left by a supervisor that was killed
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread t = new Thread(this::acceptLoop, "supervisor-control");
        t.setDaemon(true);
        t.start();
    }

    /** Whether a supervisor answers on {@code socket}. */
    public static boolean isLive(Path socket) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one command and returns the answer lines (without {@code end}). */
    public static List<String> call(Path socket, String command) throws IOException {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream out = Channels.newOutputStream(c);
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                    StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String l = in.readLine(); l != null && !l.equals("end"); l = in.readLine()) {
                lines.add(l);
            }
            return lines;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                Thread t = new Thread(() -> serve(c), "supervisor-control-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel c) {
        try (c) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                    StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(c);
            String line = in.readLine();
            List<String> answer = new ArrayList<>();
            boolean stopAfter = false;
            if (line == null) {
                return;
            }
            String[] words = line.split(" ", 2);
            try {
                switch (words[0]) {
                    case "status" -> {
                        for (Map.Entry<String, String> e : supervisor.status().entrySet()) {
                            answer.add(e.getKey() + " " + e.getValue());
                        }
                    }
                    case "upgrade" -> {
                        List<String> cmd = words.length > 1 && !words[1].isBlank()
                                ? Arrays.asList(words[1].split("\t")) : null;
                        answer.add("ok " + supervisor.upgrade(cmd));
                    }
                    case "stop" -> {
                        answer.add("ok stopping");
                        stopAfter = true;
                    }
                    default -> answer.add("error unknown command: " + words[0]);
                }
            } catch (IOException | RuntimeException e) {
                answer.add("error " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer.add("error interrupted");
            }
            StringBuilder sb = new StringBuilder();
            for (String a : answer) {
                sb.append(a.replace('\n', ' ')).append('\n');
            }
            sb.append("end\n");
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (stopAfter) {
                supervisor.stop();
            }
        } catch (IOException e) {
            LOG.debug("control connection failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
