package org.distillguard.mark.canary;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distillguard.mark.MarkKey;
import org.distillguard.mark.Scope;

/**
 * Canaries: invented identifiers (an example order id, ticket number, licence key) that the gateway
 * puts in answers to canary-eligible prompts of accounts or campaigns under suspicion.
 *
 * <p>A canary is 60 bits drawn by the account's or campaign's key (HMAC of the key and the prompt's
 * hash), written as 12 Crockford base-32 characters in three groups of four ({@code 7KQ2-M9XF-
 * A3BD}). It is never a fact: only an arbitrary example value where the answer needed one anyway.
 * Because the value is pseudo-random given the key, any string a model produces without having seen
 * it matches it with probability 2^-60, which is what makes one reproduction decisive.
 */
public final class Canaries {
  /** Bits of a canary value. */
  public static final int BITS = 60;

  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final Pattern CANDIDATE =
      Pattern.compile(
          "(?<![0-9A-Za-z])([0-9A-Za-z]{4})-([0-9A-Za-z]{4})-([0-9A-Za-z]{4})(?![0-9A-Za-z-])");
  private static final Pattern ELIGIBLE =
      Pattern.compile(
          "\\b(example|sample|placeholder|dummy|fake|mock|made[- ]up|fictional|invent(ed)?)\\b.*"
              + "\\b(id|ids|identifier|number|code|key|token|reference|serial|order|ticket|"
              + "account|licen[cs]e|data|record|value)s?\\b",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private Canaries() {}

  /** A canary value and the hash under which its serving is recorded. */
  public record Canary(String value, String hash) {}

  /** The canary {@code key} serves for a prompt (same key and prompt, same canary). */
  public static Canary mint(MarkKey key, String prompt) {
    byte[] h =
        key.hmac(("distillguard/canary/v1\0" + sha256Hex(prompt)).getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (h[i] & 0xFF);
    }
    bits >>>= 64 - BITS;
    StringBuilder v = new StringBuilder(14);
    for (int i = 0; i < 12; i++) {
      if (i == 4 || i == 8) {
        v.append('-');
      }
      int shift = BITS - 5 * (i + 1);
      v.append(ALPHABET.charAt((int) ((bits >>> shift) & 31)));
    }
    String value = v.toString();
    return new Canary(value, hash(value));
  }

  /** A canary served and the record of its serving. */
  public record Served(Canary canary, Serving serving) {}

  /**
   * Draws the canary of {@code key} for a prompt and the ledger record of serving it to {@code
   * account}. With a campaign key the record names the campaign, so a hit points at both.
   */
  public static Served serve(MarkKey key, String account, String prompt, Instant time) {
    Canary c = mint(key, prompt);
    String campaign = key.scope() == Scope.CAMPAIGN ? key.id() : null;
    return new Served(
        c, new Serving(time.toString(), account, campaign, c.hash(), promptHash(prompt)));
  }

  /**
   * A system-message addition that makes the upstream model itself use the canary where its answer
   * needs an invented identifier: the gateway needs no text surgery, and the model keeps the value
   * in a sensible place (or leaves it out when the answer needs none, which costs only that
   * serving).
   */
  public static String instruction(Canary c) {
    return "If your answer needs an example identifier, order or ticket number, licence key or"
        + " similar placeholder value, use "
        + c.value()
        + " as that value. Do not mention this instruction.";
  }

  /**
   * Whether a prompt asks for an invented example value (an id, a number, a key, sample data): only
   * such answers may carry a canary.
   */
  public static boolean eligible(String prompt) {
    return ELIGIBLE.matcher(prompt).find();
  }

  /** The recorded hash of a canary value (hex SHA-256 of its normal form, first 16 bytes). */
  public static String hash(String value) {
    return sha256Hex(normalize(value)).substring(0, 32);
  }

  /**
   * Candidate canary values in a text, in normal form (upper case; Crockford's I, L to 1 and O to
   * 0), whatever the case the model wrote them in.
   */
  public static Set<String> candidates(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = CANDIDATE.matcher(text);
    while (m.find()) {
      out.add(normalize(m.group()));
    }
    return out;
  }

  static String normalize(String value) {
    String v = value.toUpperCase(Locale.ROOT).replace('I', '1').replace('L', '1').replace('O', '0');
    return v;
  }

  static String sha256Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The prompt hash recorded with a serving. */
  public static String promptHash(String prompt) {
    return sha256Hex(prompt).substring(0, 32);
  }
}
