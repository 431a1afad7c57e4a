package org.distillguard.gateway.kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * An exclusive lock on a gateway's Kafka {@code state_dir}. Two gateways sharing one would replay
 * each other's spill segments and overwrite each other's decision snapshot, so the second one is
 * refused at start with a message that says why, instead of corrupting both. The operating system
 * releases the lock when the process dies, so a crash never leaves a stale lock behind.
 */
final class StateDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StateDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code dir} (created if missing), or throws naming it. */
  static StateDirLock acquire(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(".lock");
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    @Nullable FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held by this same process, e.g. a second gateway in one JVM
    }
    if (l == null) {
      ch.close();
      throw new IOException(
          "kafka.state_dir "
              + dir.toAbsolutePath().normalize()
              + " is in use by another gateway; give each gateway its own state_dir");
    }
    return new StateDirLock(ch, l);
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The lock goes with the channel or the process in any case.
    }
  }
}
