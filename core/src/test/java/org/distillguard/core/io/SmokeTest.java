package org.distillguard.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void roundTrips() throws Exception {
    var e =
        new ExchangeParser()
            .parse(
                "{\"id\":\"r-1\",\"time\":\"2026-11-03T14:02:11.250Z\",\"account\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(ExchangeWriter.toJson(e))
        .isEqualTo(
            "{\"id\":\"r-1\",\"time\":\"2026-11-03T14:02:11.250Z\",\"account\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
  }
}
