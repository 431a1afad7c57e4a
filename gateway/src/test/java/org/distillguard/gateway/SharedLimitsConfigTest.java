package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code limits.shared} section: read from the file, and mistakes named. */
class SharedLimitsConfigTest {
  @TempDir Path dir;

  GatewayConfig parse(String shared) throws ConfigException {
    return ConfigLoader.parse(
        "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://x'}]\nlimits:\n  shared: "
            + shared
            + "\n",
        Map.of("PW", "s3cret"),
        dir);
  }

  @Test
  void offUnlessConfigured() throws Exception {
    GatewayConfig c =
        ConfigLoader.parse(
            "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://x'}]\n", Map.of(), dir);
    assertThat(c.limits.shared.backend).isEqualTo("none");
    assertThat(c.limits.shared.timeoutMs).isEqualTo(50);
    assertThat(c.limits.shared.expectedInstances).isEqualTo(1);
  }

  @Test
  void readsEverySettingWithSecretsFromTheEnvironment() throws Exception {
    GatewayConfig c =
        parse(
            "{backend: redis, uri: 'redis://:${PW}@cache.internal:6380/2', timeout_ms: 20,"
                + " connect_timeout_ms: 700, probe_ms: 250, expected_instances: 3,"
                + " key_prefix: 'eu:'}");
    GatewayConfig.SharedLimits s = c.limits.shared;
    assertThat(s.backend).isEqualTo("redis");
    assertThat(s.uri).isEqualTo("redis://:s3cret@cache.internal:6380/2");
    assertThat(s.timeoutMs).isEqualTo(20);
    assertThat(s.connectTimeoutMs).isEqualTo(700);
    assertThat(s.probeMs).isEqualTo(250);
    assertThat(s.expectedInstances).isEqualTo(3);
    assertThat(s.keyPrefix).isEqualTo("eu:");
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> parse("{backend: memcached}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.shared.backend must be none or redis, not 'memcached'");
    assertThatThrownBy(() -> parse("{backend: redis, uri: 'http://cache:6379'}"))
        .hasMessageContaining("limits.shared.uri must look like redis://host:6379")
        .hasMessageContaining("http://cache:6379");
    assertThatThrownBy(() -> parse("{backend: redis, uri: ''}"))
        .hasMessageContaining("limits.shared.uri");
    assertThatThrownBy(() -> parse("{backend: redis, timeout_ms: 0}"))
        .hasMessageContaining("limits.shared.timeout_ms must be 1..60000");
    assertThatThrownBy(() -> parse("{backend: redis, expected_instances: 0}"))
        .hasMessageContaining("limits.shared.expected_instances must be at least 1");
    assertThatThrownBy(() -> parse("{backend: redis, ttl: 5}"))
        .hasMessageContaining("unknown setting 'ttl'");
  }
}
