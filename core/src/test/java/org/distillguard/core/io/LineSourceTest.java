package org.distillguard.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineSourceTest {
  @TempDir Path dir;

  private static List<String> lines(LineSource s) throws IOException {
    List<String> out = new ArrayList<>();
    while (s.next()) {
      out.add(
          s.overlong()
              ? "<overlong@" + s.lineNumber() + ">"
              : s.lineNumber()
                  + ":"
                  + new String(s.buffer(), 0, s.length(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static LineSource of(byte[] b) throws IOException {
    return LineSource.of("t", new ByteArrayInputStream(b), 1024);
  }

  @Test
  void numbersLinesAndSkipsBlankOnesAndHandlesCrLfAndBom() throws IOException {
    byte[] b = "\uFEFFa\r\n\n  \nb\nc".getBytes(StandardCharsets.UTF_8);
    assertThat(lines(of(b))).containsExactly("1:a", "4:b", "5:c");
  }

  @Test
  void emptyInputHasNoLines() throws IOException {
    assertThat(lines(of(new byte[0]))).isEmpty();
  }

  @Test
  void skipsAnOverlongLineWithoutBufferingItAndGoesOn() throws IOException {
    byte[] big = new byte[100_000];
    Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write("first\n".getBytes(StandardCharsets.UTF_8));
    out.write(big);
    out.write("\nlast\n".getBytes(StandardCharsets.UTF_8));
    LineSource s = of(out.toByteArray());
    assertThat(lines(s)).containsExactly("1:first", "<overlong@2>", "3:last");
    assertThat(s.buffer().length).isLessThanOrEqualTo(4096);
  }

  @Test
  void readsGzipWhateverTheFileIsCalled() throws Exception {
    Path p = dir.resolve("log.txt");
    try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(p))) {
      gz.write("x\ny\n".getBytes(StandardCharsets.UTF_8));
    }
    try (LineSource s = LineSource.open(p.toString(), 1024)) {
      assertThat(lines(s)).containsExactly("1:x", "2:y");
      assertThat(s.bytesRead()).isEqualTo(Files.size(p));
    }
  }

  @Test
  void reportsATruncatedGzipAsAnErrorAfterTheLinesItCouldRead() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      for (int i = 0; i < 5000; i++) {
        gz.write(
            ("line " + i + " with some padding to compress\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() / 2);
    LineSource s = of(cut);
    assertThatThrownBy(
            () -> {
              while (s.next()) {
                // read what can be read
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(s.lineNumber()).isPositive();
  }

  @Test
  void namesAMissingFileAndADirectory() {
    assertThatThrownBy(() -> LineSource.open(dir.resolve("nope.jsonl").toString(), 1024))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("no such file");
    assertThatThrownBy(() -> LineSource.open(dir.toString(), 1024))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("is a directory");
  }
}
