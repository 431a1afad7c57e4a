package org.distillguard.gateway.mark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.distillguard.core.detect.Verdict;
import org.distillguard.core.event.Message;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.policy.Standing;
import org.distillguard.gateway.store.Store;
import org.distillguard.gateway.wire.ApiRequest;
import org.distillguard.gateway.wire.Endpoint;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Marker;
import org.distillguard.mark.MarkingPolicy;
import org.distillguard.mark.MasterKey;
import org.distillguard.mark.Scope;
import org.distillguard.mark.canary.Canaries;
import org.jspecify.annotations.Nullable;

/**
 * Decides, per request, whether its answer is marked and with which key (the {@code marking:}
 * section of the config, over the detector's {@link Standing}), and prepares the exchange: the
 * inference server's watermark switch and a canary instruction go into the forwarded request, and
 * an {@link AnswerMarking} marks the answer on its way back and records the serving. Thread-safe;
 * one per gateway.
 *
 * <p>Modes: {@code all} marks everyone (suspects with their campaign's or their own key, the rest
 * with the member key); {@code suspects} marks accounts whose verdict reaches {@code
 * suspect_verdict} with their own key and every account linked into a campaign with the campaign's
 * key (so every head of a hydra carries the same mark); {@code flagged} marks only the former;
 * {@code campaigns} only members of the listed campaigns. Accounts listed under {@code accounts}
 * are marked in every mode but off.
 */
public final class Marking implements AutoCloseable {
  private final String mode;
  private final MarkingPolicy policy;
  private final Set<String> campaigns;
  private final Set<String> accounts;
  private final Verdict suspectAt;
  private final boolean canaries;
  private final UpstreamWatermark upstream;
  private final ServingRecorder recorder;
  private final Clock clock;

  private Marking(GatewayConfig.Marking c, MasterKey master, Store store, Clock clock) {
    this.mode = c.mode;
    this.policy =
        MarkingPolicy.of(
            master,
            c.member,
            c.mode.equals("all") ? MarkingPolicy.Mode.ALL : MarkingPolicy.Mode.SUSPECTS);
    this.campaigns = Set.copyOf(c.campaigns);
    this.accounts = Set.copyOf(c.accounts);
    this.suspectAt = Verdict.fromId(c.suspectVerdict);
    this.canaries = c.canaries;
    this.upstream = UpstreamWatermark.of(c.upstreamWatermark);
    this.recorder = new ServingRecorder(store, 65_536);
    this.clock = clock;
  }

  /**
   * The marking of a gateway, or null when {@code marking.mode} is off. Reads the master key from
   * the config or its file.
   */
  public static @Nullable Marking from(GatewayConfig config, Store store, Clock clock)
      throws IOException {
    GatewayConfig.Marking c = config.marking;
    if (c.mode.equals("off")) {
      return null;
    }
    String hex = c.masterKey;
    if (hex.isEmpty()) {
      Path f = config.baseDir.resolve(c.masterKeyFile);
      hex = Files.readString(f, StandardCharsets.UTF_8).strip();
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new IOException("marking.master_key_file " + f + " must hold 64 hex characters");
      }
    }
    return new Marking(c, MasterKey.fromHex(hex), store, clock);
  }

  /** The key an account's answers are marked with now, or empty. */
  public Optional<MarkKey> keyFor(String account, @Nullable Standing standing) {
    boolean listed = accounts.contains(account);
    boolean suspect = standing != null && standing.verdict().ordinal() >= suspectAt.ordinal();
    String campaign = standing == null ? null : standing.campaign();
    return switch (mode) {
      case "all", "suspects" -> policy.keyFor(account, campaign, suspect || listed);
      case "flagged" -> policy.keyFor(account, null, suspect || listed);
      case "campaigns" ->
          policy.keyFor(
              account, campaign != null && campaigns.contains(campaign) ? campaign : null, listed);
      default -> Optional.empty();
    };
  }

  /**
   * Prepares the exchange of a request whose answer is marked, or returns null when it is not:
   * forces the inference server's watermark on and, for a suspect's canary-eligible prompt, adds
   * the canary instruction (both change {@code request.body()}; see {@link
   * AnswerMarking#requestChanged}).
   */
  public @Nullable AnswerMarking plan(
      String account,
      @Nullable Standing standing,
      Endpoint endpoint,
      @Nullable ApiRequest request) {
    if (request == null || !marks(endpoint)) {
      return null;
    }
    Optional<MarkKey> key = keyFor(account, standing);
    if (key.isEmpty()) {
      return null;
    }
    MarkKey k = key.get();
    Marker marker =
        policy.markerFor(account, campaignOf(k), k.scope() == Scope.ACCOUNT).orElseThrow();
    boolean changed = upstream.force(endpoint, request.body());
    String user = lastUserText(request.messages());
    String canaryHash = null;
    if (canaries && k.scope() != Scope.MEMBER && Canaries.eligible(user)) {
      Canaries.Served served = Canaries.serve(k, account, user, Instant.now(clock));
      if (CanaryInjection.add(endpoint, request.body(), Canaries.instruction(served.canary()))) {
        changed = true;
        canaryHash = served.serving().canaryHash();
      }
    }
    return new AnswerMarking(
        this,
        marker,
        request.promptText(),
        endpoint,
        account,
        campaignOf(k),
        Canaries.promptHash(user),
        canaryHash,
        changed);
  }

  /** The inference-server switch forced on for marked accounts. */
  public UpstreamWatermark upstreamWatermark() {
    return upstream;
  }

  /** Marked servings written to the store so far. */
  public long recorded() {
    return recorder.written();
  }

  /** Marked servings dropped because the store could not keep up (queue full). */
  public long dropped() {
    return recorder.dropped();
  }

  void record(org.distillguard.gateway.store.MarkServing s) {
    recorder.record(s);
  }

  long nowMillis() {
    return clock.millis();
  }

  /** The key a {@link MarkingPolicy} chose maps back to its inputs (a campaign key's id). */
  private static @Nullable String campaignOf(MarkKey k) {
    return k.scope() == Scope.CAMPAIGN ? k.id() : null;
  }

  private static boolean marks(Endpoint e) {
    return e == Endpoint.CHAT_COMPLETIONS
        || e == Endpoint.COMPLETIONS
        || e == Endpoint.RESPONSES
        || e == Endpoint.MESSAGES;
  }

  private static String lastUserText(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).isUser()) {
        return messages.get(i).content();
      }
    }
    return "";
  }

  /** Writes what is queued. */
  @Override
  public void close() {
    recorder.close();
  }
}
