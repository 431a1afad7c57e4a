package org.distillguard.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shared dotted-quad parser: the JDK's answer for every quad, nothing for anything else. */
class Ipv4Test {
  @Test
  void everyDottedQuadParsesToWhatTheJdkSays() throws Exception {
    Random r = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      String s =
          r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(255);
      assertThat(Ipv4.parse(s))
          .as(s)
          .isEqualTo(ByteBuffer.wrap(InetAddress.getByName(s).getAddress()).getInt());
    }
    assertThat(Ipv4.parse("0.0.0.0")).isZero();
  }

  @Test
  void anythingElseIsNone() {
    for (String bad :
        List.of(
            "",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "1..2.3",
            "1.2.3.4.",
            ".1.2.3",
            "0001.2.3.4",
            "localhost",
            "1.2.3.4 ",
            "::1",
            "::ffff:1.2.3.4",
            "١.٢.٣.٤",
            "1.2.3.-4")) {
      assertThat(Ipv4.parse(bad)).as(bad).isEqualTo(Ipv4.NONE);
    }
  }
}
