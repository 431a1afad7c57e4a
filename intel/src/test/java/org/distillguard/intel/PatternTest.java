package org.distillguard.intel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.distillguard.intel.pattern.StixPatterns;
import org.distillguard.intel.pattern.StixPatterns.Match;
import org.distillguard.intel.stix.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PatternTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[ipv4-addr:value = '198.51.100.1']",
        "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
        "[ipv6-addr:value ISSUBSET '2001:db8::/48']",
        "[distillguard-fingerprint:kind = 'payment_fp' AND distillguard-fingerprint:value = 'ab']",
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
        "[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '1.2.3.5']",
        "[url:value = 'http://x.example/a'] FOLLOWEDBY [domain-name:value = 'x.example'] WITHIN 300 SECONDS",
        "[network-traffic:dst_port > 1024 AND network-traffic:protocols[*] = 'tcp']",
      })
  void acceptsValidPatterns(String p) {
    assertThat(StixPatterns.validate(p)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ipv4-addr:value = '1.2.3.4'",
        "[ipv4-addr:value = '1.2.3.4'",
        "[ipv4-addr:value ~ '1.2.3.4']",
        "[ipv4-addr:value = 1.2.3.4]",
        "[ipv4-addr value = '1.2.3.4']",
        "[ipv4-addr:value = '1.2.3.4'] AND",
        "[ipv4-addr:value ISSUBSET '1.2.3.0/24'] WITHIN SECONDS",
        "[a:b = 'unterminated]",
      })
  void rejectsInvalidPatternsWithAMessage(String p) {
    assertThat(StixPatterns.validate(p)).isPresent();
  }

  @Test
  void reducesWhatTheGatewayCanEnforceAndKeepsTheRestForWatching() {
    assertThat(StixPatterns.parse("[ipv4-addr:value ISSUBSET '198.51.100.0/24']").match())
        .isEqualTo(new Match.IpBlock("198.51.100.0/24"));
    assertThat(
            StixPatterns.parse(
                    "[distillguard-fingerprint:value = 'ab\\'c' AND distillguard-fingerprint:kind = 'email_domain']")
                .match())
        .isEqualTo(new Match.Fingerprint("email_domain", "ab'c"));
    assertThat(
            StixPatterns.parse("[ipv4-addr:value = '1.2.3.4'] OR [ipv4-addr:value = '1.2.3.5']")
                .match())
        .isNull();
    assertThat(StixPatterns.parse("[ipv4-addr:value NOT = '1.2.3.4']").match()).isNull();
    assertThat(StixPatterns.parse("[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES").match())
        .isNull();
  }

  static Stream<String> officialExamplePatterns() throws IOException {
    Path examples = StixSchemas.specs().resolve("examples");
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(examples)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        JsonNode b = Json.MAPPER.readTree(f.toFile());
        b.path("objects")
            .forEach(
                o -> {
                  if ("stix".equals(o.path("pattern_type").asText()) && o.has("pattern")) {
                    out.add(o.get("pattern").asText());
                  }
                });
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("officialExamplePatterns")
  void everyPatternInTheOasisExamplesParses(String p) {
    assertThat(StixPatterns.validate(p)).as(p).isEmpty();
  }

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(300);
  }

  /** Network-facing parser: random mutations never throw, never hang; they parse or are refused. */
  @ParameterizedTest
  @MethodSource("seeds")
  void randomMutationsNeverThrow(long seed) {
    Random r = new Random(seed);
    String[] bases = {
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
      "[distillguard-fingerprint:kind = 'payment_fp' AND distillguard-fingerprint:value = 'ab']",
      "([a:b = 'c'] OR [d:e[*].f > 5]) FOLLOWEDBY [g:h MATCHES '^x'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
    };
    String alphabet = "[]():.'\\*=<>!-_ aAzZ09/ANDORNOTISSUBSETWITHIN\u0000\uFFFF\uD800";
    StringBuilder sb = new StringBuilder(bases[r.nextInt(bases.length)]);
    int edits = 1 + r.nextInt(8);
    for (int i = 0; i < edits; i++) {
      int pos = sb.length() == 0 ? 0 : r.nextInt(sb.length());
      switch (r.nextInt(4)) {
        case 0 -> sb.insert(pos, alphabet.charAt(r.nextInt(alphabet.length())));
        case 1 -> {
          if (sb.length() > 0) {
            sb.deleteCharAt(pos);
          }
        }
        case 2 -> sb.insert(pos, "(".repeat(r.nextInt(200)));
        default -> sb.append(sb, 0, Math.min(sb.length(), r.nextInt(50)));
      }
    }
    StixPatterns.Parsed p = StixPatterns.parse(sb.toString());
    assertThat(p.valid() || p.error() != null).isTrue();
  }
}
