package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.file.Path;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.store.AuditEntry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocking mid-campaign: a new account harvests instruction-style answers through the OpenAI SDK;
 * the request on which the detector reaches {@code distillation} is still answered, and the very
 * next one is refused with a reference that the audit log explains. Then the block survives a
 * restart.
 */
@Tag("slow")
class DetectorEnforcementTest {
  @TempDir Path dir;

  @Test
  void aBlockDecidedByTheDetectorAppliesToTheAccountsNextRequestAndSurvivesRestart()
      throws Exception {
    try (GatewayFixture fx =
        new GatewayFixture(
            dir,
            c -> {
              c.policy.suspicious = "allow"; // this test is about the block
              c.limits.key.rpm = 0;
              c.limits.account.rpm = 0;
              c.limits.ip.rpm = 0;
            })) {
      String key = fx.key("acct-harvester");
      OpenAIClient client =
          OpenAIOkHttpClient.builder().apiKey(key).baseUrl(fx.url() + "/v1").maxRetries(0).build();
      int count = 0;
      Standing flagged = null;
      for (String prompt : HarvestPrompts.PROMPTS) {
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-test")
                    .maxCompletionTokens(4096)
                    .addUserMessage(prompt)
                    .build());
        count++;
        // Not a timing: wait until the detector has seen every answered exchange, then look.
        fx.awaitDetector();
        Standing s = fx.detection().standing("acct-harvester");
        if (s != null && s.verdict() == Verdict.DISTILLATION) {
          flagged = s;
          break;
        }
      }
      java.util.Objects.requireNonNull(
          flagged, "the detector flags the harvester within 40 requests");
      int answered = count;
      assertThat(answered).isGreaterThanOrEqualTo(12); // never before min_requests
      // The verdict was reached on the last answered request, so the refusal below is the
      // account's very next request.
      assertThat(fx.gateway.store().verdicts())
          .singleElement()
          .satisfies(v -> assertThat(v.requests()).isEqualTo(answered));
      String ref = flagged.ref();
      ChatCompletionCreateParams next =
          ChatCompletionCreateParams.builder()
              .model("gpt-test")
              .addUserMessage("Explain step by step how rainbows form.")
              .build();
      assertThatThrownBy(() -> client.chat().completions().create(next))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("Reference: " + ref);
      assertThat(fx.gateway.operations().audit("account:acct-harvester", null, 10))
          .extracting(AuditEntry::id, AuditEntry::action)
          .contains(org.assertj.core.groups.Tuple.tuple(ref, "verdict.distillation"));

      fx.restart();
      OpenAIClient again =
          OpenAIOkHttpClient.builder().apiKey(key).baseUrl(fx.url() + "/v1").maxRetries(0).build();
      assertThatThrownBy(() -> again.chat().completions().create(next))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("Reference: " + ref);
    }
  }
}
