package org.distillguard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.distillguard.core.detect.Verdict;
import org.distillguard.gateway.policy.Standing;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hydra through the gateway: new accounts opened together, one client, one address range, one
 * prompt template. Once the campaign is confirmed from its loud heads, a head that appears later is
 * blocked after three requests, on the campaign's evidence, and its standing names the campaign.
 */
@Tag("slow")
class CampaignEnforcementTest {
  @TempDir Path dir;

  private static ChatCompletionCreateParams task(String prompt) {
    return ChatCompletionCreateParams.builder()
        .model("gpt-test")
        .maxCompletionTokens(4096)
        .addUserMessage("Task: " + prompt + "\nProvide a comprehensive answer.")
        .build();
  }

  @Test
  void aHeadJoiningAConfirmedCampaignIsBlockedAfterThreeRequests() throws Exception {
    try (GatewayFixture fx =
        new GatewayFixture(
            dir,
            c -> {
              c.policy.suspicious = "allow";
              c.policy.campaign = "allow"; // only the confirmed campaign acts
              c.limits.key.rpm = 0;
              c.limits.account.rpm = 0;
              c.limits.ip.rpm = 0;
            })) {
      List<OpenAIClient> loud = new ArrayList<>();
      for (int h = 0; h < 4; h++) {
        loud.add(
            OpenAIOkHttpClient.builder()
                .apiKey(fx.key("head-" + h))
                .baseUrl(fx.url() + "/v1")
                .maxRetries(0)
                .build());
      }
      String campaign = null;
      rounds:
      for (int n = 0; n < HarvestPrompts.PROMPTS.size(); n++) {
        for (int h = 0; h < loud.size(); h++) {
          try {
            loud.get(h).chat().completions().create(task(HarvestPrompts.PROMPTS.get(n)));
          } catch (PermissionDeniedException blocked) {
            continue; // this head is already blocked; the others go on
          }
          fx.awaitDetector();
          Standing s = fx.detection().standing("head-" + h);
          if (s != null && s.campaignConfirmed()) {
            campaign = s.campaign();
            break rounds;
          }
        }
      }
      Objects.requireNonNull(campaign, "the campaign is confirmed from its loud heads");

      OpenAIClient late =
          OpenAIOkHttpClient.builder()
              .apiKey(fx.key("head-late"))
              .baseUrl(fx.url() + "/v1")
              .maxRetries(0)
              .build();
      for (int n = 0; n < 3; n++) {
        late.chat().completions().create(task(HarvestPrompts.PROMPTS.get(n + 5)));
        fx.awaitDetector();
      }
      Standing s = Objects.requireNonNull(fx.detection().standing("head-late"));
      assertThat(s.verdict()).isEqualTo(Verdict.DISTILLATION);
      assertThat(s.campaign()).isEqualTo(campaign);
      assertThat(s.campaignConfirmed()).isTrue();
      assertThatThrownBy(
              () -> late.chat().completions().create(task(HarvestPrompts.PROMPTS.get(9))))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("Reference: " + s.ref());
    }
  }
}
