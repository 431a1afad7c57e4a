package org.distillguard.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The campaign stage's checkpoint goes into list state as chunks and comes back whole. */
class ChunkedBytesTest {
  @ParameterizedTest
  @ValueSource(
      ints = {
        0,
        1,
        ChunkedBytes.CHUNK - 1,
        ChunkedBytes.CHUNK,
        ChunkedBytes.CHUNK + 1,
        3 * ChunkedBytes.CHUNK + 5
      })
  void bytesComeBackWholeWhateverTheirLength(int length) throws Exception {
    byte[] data = new byte[length];
    new SplittableRandom(length).nextBytes(data);
    ChunkedBytes chunks = new ChunkedBytes();
    try (DataOutputStream out = ChunkedBytes.output(chunks)) {
      // mixed single-byte and bulk writes, as a snapshot makes them
      int half = length / 2;
      for (int i = 0; i < Math.min(half, 1000); i++) {
        out.write(data[i]);
      }
      out.write(data, Math.min(half, 1000), length - Math.min(half, 1000));
    }
    List<byte[]> list = chunks.chunks();
    assertThat(list).hasSize((length + ChunkedBytes.CHUNK - 1) / ChunkedBytes.CHUNK);
    assertThat(list).allSatisfy(c -> assertThat(c.length).isBetween(1, ChunkedBytes.CHUNK));
    byte[] back = new byte[length];
    try (DataInputStream in = ChunkedBytes.input(list)) {
      in.readFully(back);
      assertThat(in.read()).as("nothing after the end").isEqualTo(-1);
    }
    assertThat(back).isEqualTo(data);
  }

  @Test
  void theJobCompressesSnapshotsSoThatRestoresReadInBlocks() {
    // Without compression Flink reads operator state back one byte per read call: a restore of
    // a million accounts took minutes (docs/PERFORMANCE.md).
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DetectorJob.configure(env, JobConfig.defaults("localhost:9092"));
    assertThat(env.getConfig().isUseSnapshotCompression()).isTrue();
    assertThat(env.getConfiguration().get(ExecutionOptions.SNAPSHOT_COMPRESSION)).isTrue();
  }
}
