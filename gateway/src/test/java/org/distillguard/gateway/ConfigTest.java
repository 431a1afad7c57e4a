package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distillguard.gateway.config.ConfigException;
import org.distillguard.gateway.config.ConfigLoader;
import org.distillguard.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void theShippedExampleLoadsWithItsSecretsFromTheEnvironment() throws Exception {
    Path example = Path.of(System.getProperty("user.dir")).resolve("../examples/distillguard.yaml");
    GatewayConfig c =
        ConfigLoader.load(example, Map.of("DISTILLGUARD_ADMIN_TOKEN", "a-long-enough-token"));
    assertThat(c.upstreams).hasSize(2);
    assertThat(c.upstreams.get(0).apiKey).isEmpty();
    assertThat(c.limits.accounts).containsKey("acct-batch-eval");
    assertThat(ConfigLoader.jdbcUrl(c)).endsWith("examples/distillguard.db");
    assertThatThrownBy(() -> ConfigLoader.load(example, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DISTILLGUARD_ADMIN_TOKEN");
  }

  @Test
  void mistakesAreNamed() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "admin: {port: -1}\nupstreams: [{api: gemini, url: 'http://x'}]\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .hasMessageContaining("openai or anthropic");
    Files.writeString(f, "admin: {port: -1}\nupstreams: [{api: openai, url: 'ftp://x'}]\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("bad url");
    Files.writeString(
        f,
        "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://x'}]\npolicy: {suspicious: ban}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("policy action");
    Files.writeString(f, "upstreams: [{api: openai, url: 'http://x'}]\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("admin.token");
  }

  @Test
  void aLimitTooLargeForATokenBucketIsRefusedAtStartNotOnTheFirstRequest() throws Exception {
    Path f = dir.resolve("c.yaml");
    String base = "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://x'}]\n";
    Files.writeString(f, base + "limits: {account: {tpm: 1000000000000}}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("limits.account: tpm must be 0 (unlimited) to 60000000000");
    Files.writeString(f, base + "limits: {accounts: {acct-x: {rpm: -5}}}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .hasMessageContaining("limits.accounts.acct-x: rpm must be");
    Files.writeString(f, base + "limits: {account: {tpm: 60000000000}}\n");
    assertThat(ConfigLoader.load(f, Map.of()).limits.account.tpm).isEqualTo(60_000_000_000L);
  }

  @Test
  void markingMistakesAreNamed() throws Exception {
    Path f = dir.resolve("m.yaml");
    String base = "admin: {port: -1}\nupstreams: [{api: openai, url: 'http://x'}]\n";
    Files.writeString(f, base + "marking: {mode: everyone}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("marking.mode");
    Files.writeString(f, base + "marking: {mode: suspects}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .hasMessageContaining("master_key")
        .hasMessageContaining("master_key_file");
    Files.writeString(f, base + "marking: {mode: all, master_key: abc}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of())).hasMessageContaining("64 hex");
    String key = "ab".repeat(32);
    Files.writeString(
        f, base + "marking: {mode: all, master_key: " + key + ", upstream_watermark: tgi}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .hasMessageContaining("upstream_watermark")
        .hasMessageContaining("tensorrt-llm");
    Files.writeString(f, base + "marking: {mode: campaigns, master_key: " + key + "}\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .hasMessageContaining("marking.campaigns");
    Files.writeString(
        f,
        base
            + "marking: {mode: campaigns, master_key: "
            + key
            + ", campaigns: [c-1], upstream_watermark: tensorrt-llm}\n");
    GatewayConfig ok = ConfigLoader.load(f, Map.of());
    assertThat(ok.marking.campaigns).containsExactly("c-1");
    assertThat(ok.marking.upstreamWatermark).isEqualTo("tensorrt-llm");
  }
}
