package org.distillguard.core.event;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One API request as DistillGuard sees it: Contract 1 of {@code DESIGN.md}, one line of the
 * exchange log.
 *
 * <p>Times are epoch milliseconds in UTC; RFC 3339 inputs with finer precision are truncated to the
 * millisecond. Optional objects that were absent are represented by their {@code NONE} constants
 * rather than {@code null}, so signal code never has to check.
 *
 * @param status HTTP status returned, or {@code 0} when not recorded
 */
public record Exchange(
    String id,
    long timeMillis,
    String account,
    @Nullable String org,
    @Nullable String apiKey,
    @Nullable String ip,
    @Nullable String userAgent,
    @Nullable String endpoint,
    @Nullable String model,
    Params params,
    List<Message> messages,
    @Nullable String conversation,
    Usage usage,
    @Nullable String output,
    int status,
    AccountMeta accountMeta) {

  /** Marks an absent timestamp. */
  public static final long NO_TIME = Long.MIN_VALUE;

  public Exchange {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(accountMeta, "accountMeta");
    messages = List.copyOf(messages);
    if (timeMillis == NO_TIME) {
      throw new IllegalArgumentException("time is required");
    }
  }

  /** The last user turn: what this request actually asks. Empty when there is none. */
  public String lastUserPrompt() {
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.isUser()) {
        return m.content();
      }
    }
    return "";
  }

  /** The first system (or developer) message, or {@code null}. */
  public @Nullable String systemPrompt() {
    for (Message m : messages) {
      if (m.isSystem()) {
        return m.content();
      }
    }
    return null;
  }

  /** Number of user turns in the request, earlier turns included. */
  public int userTurns() {
    int n = 0;
    for (Message m : messages) {
      if (m.isUser()) {
        n++;
      }
    }
    return n;
  }

  /** A builder for tests, the simulator and the gateway; only id, time and account are needed. */
  public static Builder builder(String id, long timeMillis, String account) {
    return new Builder(id, timeMillis, account);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final String id;
    private final long timeMillis;
    private final String account;
    private @Nullable String org;
    private @Nullable String apiKey;
    private @Nullable String ip;
    private @Nullable String userAgent;
    private @Nullable String endpoint;
    private @Nullable String model;
    private Params params = Params.NONE;
    private List<Message> messages = List.of();
    private @Nullable String conversation;
    private Usage usage = Usage.NONE;
    private @Nullable String output;
    private int status;
    private AccountMeta accountMeta = AccountMeta.NONE;

    private Builder(String id, long timeMillis, String account) {
      this.id = id;
      this.timeMillis = timeMillis;
      this.account = account;
    }

    public Builder org(@Nullable String v) {
      org = v;
      return this;
    }

    public Builder apiKey(@Nullable String v) {
      apiKey = v;
      return this;
    }

    public Builder ip(@Nullable String v) {
      ip = v;
      return this;
    }

    public Builder userAgent(@Nullable String v) {
      userAgent = v;
      return this;
    }

    public Builder endpoint(@Nullable String v) {
      endpoint = v;
      return this;
    }

    public Builder model(@Nullable String v) {
      model = v;
      return this;
    }

    public Builder params(Params v) {
      params = v;
      return this;
    }

    public Builder messages(List<Message> v) {
      messages = v;
      return this;
    }

    /** Shorthand for a single user turn. */
    public Builder prompt(String userText) {
      messages = List.of(new Message(Message.USER, userText));
      return this;
    }

    public Builder conversation(@Nullable String v) {
      conversation = v;
      return this;
    }

    public Builder usage(Usage v) {
      usage = v;
      return this;
    }

    public Builder output(@Nullable String v) {
      output = v;
      return this;
    }

    public Builder status(int v) {
      status = v;
      return this;
    }

    public Builder accountMeta(AccountMeta v) {
      accountMeta = v;
      return this;
    }

    public Exchange build() {
      return new Exchange(
          id,
          timeMillis,
          account,
          org,
          apiKey,
          ip,
          userAgent,
          endpoint,
          model,
          params,
          messages,
          conversation,
          usage,
          output,
          status,
          accountMeta);
    }
  }
}
