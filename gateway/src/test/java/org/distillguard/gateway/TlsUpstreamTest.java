package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import org.distillguard.gateway.standin.StandInUpstream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams over https: certificates are verified, and a private CA can be trusted per upstream.
 */
@Tag("slow")
class TlsUpstreamTest {
  @TempDir Path dir;

  @Test
  void anHttpsUpstreamIsVerifiedAgainstItsConfiguredCa() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    StandInUpstream tls = StandInUpstream.standalone().start("127.0.0.1", 0, cert.keyCertOptions());
    try (GatewayFixture fx =
        new GatewayFixture(
            dir,
            tls,
            c -> {
              c.upstreams.get(0).caFile = cert.certificatePath();
              c.detector.enabled = false;
            })) {
      String k = fx.key("acct-tls");
      assertThat(tls.baseUrl()).startsWith("https://localhost:");
      assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void anUntrustedCertificateIs502() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    StandInUpstream tls = StandInUpstream.standalone().start("127.0.0.1", 0, cert.keyCertOptions());
    try (GatewayFixture fx = new GatewayFixture(dir, tls, c -> c.detector.enabled = false)) {
      String k = fx.key("acct-tls-bad");
      assertThat(fx.post("/v1/chat/completions", k, GatewayFixture.chat("hi")).statusCode())
          .isEqualTo(502);
    }
  }
}
