package org.distillguard.gateway.limits.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package; {@code .ci/run} installs it) on a free loopback
 * port, with its files in a test directory and nothing persisted: started and stopped by the test,
 * never the system service. Tests abort (skip) with a message when the binary is missing.
 */
public final class RedisServer implements AutoCloseable {
  private final Path dir;
  private final int port;
  private @Nullable Process process;
  private boolean frozen;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server on a free port, files under {@code dir}. */
  public static RedisServer start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer r = new RedisServer(dir, port);
    r.restart();
    return r;
  }

  /** A server that will listen on a free port but is not started yet. */
  public static RedisServer notStarted(Path dir) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return new RedisServer(dir, s.getLocalPort());
    }
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** (Re)starts the server on the same port, empty. */
  public void restart() throws IOException, InterruptedException {
    Path binary = binary();
    Files.createDirectories(dir);
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                binary.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toAbsolutePath().toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--protected-mode",
                "yes"));
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("redis-" + port + ".log").toFile());
    Process p = pb.start();
    process = p;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException(
            "redis-server exited at start: "
                + Files.readString(dir.resolve("redis-" + port + ".log")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IOException("redis-server did not listen on port " + port + " within 10 s");
  }

  /** Kills the server at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
  public void freeze() throws IOException, InterruptedException {
    signal("STOP");
    frozen = true;
  }

  /** Lets a frozen server carry on (SIGCONT). */
  public void thaw() throws IOException, InterruptedException {
    signal("CONT");
    frozen = false;
  }

  private void signal(String sig) throws IOException, InterruptedException {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + sig + " " + p.pid() + " failed");
    }
  }

  private static Path binary() {
    for (String d : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Assumptions.abort("redis-server is not installed (.ci/run installs Debian's redis-server)");
    throw new AssertionError("unreachable");
  }

  @Override
  public void close() throws InterruptedException {
    Process p = process;
    if (p != null) {
      if (frozen) {
        try {
          thaw();
        } catch (IOException e) {
          p.destroyForcibly();
        }
      }
      p.destroy(); // SIGTERM: redis exits cleanly
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      process = null;
    }
  }
}
