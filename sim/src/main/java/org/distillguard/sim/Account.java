package org.distillguard.sim;

import java.util.List;
import java.util.SplittableRandom;
import org.distillguard.core.event.AccountMeta;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.event.Message;
import org.distillguard.core.event.Params;
import org.distillguard.core.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Identity and client of one simulated account, and the one place exchanges are assembled.
 *
 * <p>Populations decide when and what; this class fills in who and how (key, address, client,
 * model, usage, status) the same way for all of them, so differences between populations are only
 * the ones a population is meant to have.
 */
final class Account {
  final String id;
  final SplittableRandom rng;
  final World world;

  /** Local time of the account's user; a team member takes the company's ({@link #relocate}). */
  int utcOffsetMinutes;

  @Nullable String org;
  String apiKey;
  String ip;
  String userAgent;
  String endpoint;
  AccountMeta meta;

  /** The model used before (or without) adopting the new release. */
  String baseModel = World.LARGE;

  /** Whether and when (after the release) this account moves to the new model. */
  boolean adoptsNewModel;

  long adoptDelayMillis;
  double rate429 = 0.001;
  double rate500 = 0.0005;
  private long count;

  Account(String id, SplittableRandom rng, World world, String country) {
    this.id = id;
    this.rng = rng;
    this.world = world;
    this.utcOffsetMinutes = Infra.utcOffsetMinutes(country, rng);
    this.apiKey = newKey();
    this.ip = Infra.residential(rng);
    this.userAgent = Infra.SDKS[0];
    this.endpoint = "chat.completions";
    this.meta =
        new AccountMeta(
            world.start() - 365 * World.DAY, "pf-" + Rng.hex(rng, 8), null, "tier-1", country);
  }

  /** Moves the account to {@code country} and its time zone (a team member works where it is). */
  void relocate(String country, int utcOffsetMinutes) {
    this.utcOffsetMinutes = utcOffsetMinutes;
    meta =
        new AccountMeta(
            meta.createdMillis(), meta.paymentFp(), meta.emailDomain(), meta.tier(), country);
  }

  String newKey() {
    return "key-" + Rng.hex(rng, 12);
  }

  /** Requests emitted so far (the ordinal of the last one). */
  long count() {
    return count;
  }

  void meta(long created, String paymentFp, String emailDomain, String tier) {
    meta = new AccountMeta(created, paymentFp, emailDomain, tier, meta.country());
  }

  String model(long t) {
    if (adoptsNewModel && t >= world.newModelTime() + adoptDelayMillis) {
      return World.NEW;
    }
    return baseModel;
  }

  /**
   * Assembles and counts one request. Input tokens are the characters of every message over four
   * (the usual rule of thumb for English); output tokens are drawn around {@code medianOut} with a
   * long tail and capped by {@code max_tokens}.
   */
  Exchange emit(
      long t,
      List<Message> messages,
      Params params,
      @Nullable String conversation,
      double medianOut,
      long reasoningTokens) {
    count++;
    long chars = 0;
    for (Message m : messages) {
      chars += m.content().length();
    }
    long in = Math.max(1, (chars + 3) / 4);
    long out = Math.max(1, Math.round(Rng.logNormal(rng, medianOut, 0.6)));
    if (params.maxTokens() != null) {
      out = Math.min(out, params.maxTokens());
    }
    int status = 200;
    double u = rng.nextDouble();
    if (u < rate429) {
      status = 429;
    } else if (u < rate429 + rate500) {
      status = 500;
    }
    Usage usage =
        status == 200
            ? new Usage(
                in,
                out + Math.max(0, reasoningTokens),
                reasoningTokens > 0 ? reasoningTokens : Usage.UNKNOWN)
            : new Usage(in, 0, Usage.UNKNOWN);
    return Exchange.builder(id + "-" + count, t, id)
        .org(org)
        .apiKey(apiKey)
        .ip(ip)
        .userAgent(userAgent)
        .endpoint(endpoint)
        .model(model(t))
        .params(params)
        .messages(messages)
        .conversation(conversation)
        .usage(usage)
        .status(status)
        .accountMeta(meta)
        .build();
  }

  String conversationId() {
    return "conv-" + Rng.hex(rng, 12);
  }
}
