package io.purefuse.workercompat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Our worker as a separate process, run from {@code worker/target/worker-*.jar} and
 * {@code worker/target/lib/*} exactly as {@code bin/alluxio-worker} runs it. Always
 * {@link #close()} it: SIGTERM, then SIGKILL if it does not stop.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("alluxio-worker ready host=(\\S+) port=(\\d+) identity=(\\S+)");

  final Process process;
  final String host;
  final int port;
  final String identity;
  final Path stderr;

  private WorkerProcess(Process process, String host, int port, String identity, Path stderr) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.identity = identity;
    this.stderr = stderr;
  }

  /** The worker's build output; fails with a clear message when the worker is not packaged. */
  static String classpath() throws IOException {
    return classpath(System.getProperty("purefuse.worker.target", "../worker/target"));
  }

  static String classpath(String t) throws IOException {
    Path target = Path.of(t).toAbsolutePath().normalize();
    Path jar = null;
    if (Files.isDirectory(target)) {
      try (Stream<Path> s = Files.list(target)) {
        jar = s.filter(p -> {
          String n = p.getFileName().toString();
          return n.startsWith("worker-") && n.endsWith(".jar") && !n.endsWith("-sources.jar")
              && !n.endsWith("-tests.jar") && !n.endsWith("-javadoc.jar");
        }).findFirst().orElse(null);
      }
    }
    if (jar == null || !Files.isDirectory(target.resolve("lib"))) {
      throw new IllegalStateException("the worker is not packaged: no worker-*.jar and lib/ in " + target
          + "; build it first (mvn -pl worker-compat -am verify, or mvn -pl worker -am package)");
    }
    return jar + ":" + target.resolve("lib") + "/*";
  }

  static WorkerProcess start(Path stderr, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dsun.jnu.encoding=UTF-8", "-Dfile.encoding=UTF-8", "-cp", classpath(),
        "io.purefuse.worker.cli.WorkerCommand"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    try {
      CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
        try {
          return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
      String l = line.get(90, TimeUnit.SECONDS);
      Matcher m = l == null ? null : READY.matcher(l);
      if (m == null || !m.matches()) {
        throw new IllegalStateException("worker did not get ready (stdout: " + l + "); stderr:\n" + Files.readString(stderr));
      }
      return new WorkerProcess(p, m.group(1), Integer.parseInt(m.group(2)), m.group(3), stderr);
    } catch (Exception | Error e) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** SIGTERM and wait; returns the exit code (SIGKILL after 30 s: then -1). */
  int stop() throws InterruptedException {
    process.destroy();
    if (process.waitFor(30, TimeUnit.SECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    return -1;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
