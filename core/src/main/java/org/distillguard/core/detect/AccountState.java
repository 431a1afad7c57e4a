package org.distillguard.core.detect;

import java.nio.ByteBuffer;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.text.Domain;
import org.distillguard.core.text.PromptFeatures;

/**
 * Everything the detector remembers about one account: a fixed set of primitive fields and small
 * fixed arrays, about 700 bytes whatever the account's volume.
 *
 * <p>Shares are exponentially weighted moving averages over requests whose weight starts as a plain
 * running mean ({@code 1/n}) and settles at {@code 1/WINDOW}: early estimates are as good as the
 * evidence allows, and an account that changes behaviour (a turncoat) moves its averages within a
 * few dozen requests. Rates decay in time. Timestamps that go backwards within an account are
 * treated as simultaneous with the latest one (the log is processed in file order).
 */
final class AccountState {
  /** Requests after which a share's average stops being a plain mean. */
  static final int WINDOW = 32;

  static final long HOUR = 3_600_000L;
  static final long DAY = 24 * HOUR;
  private static final int RING = 8;
  private static final int DAYS = 8;

  // volume and time
  long requests;
  long firstSeen = Exchange.NO_TIME;
  long lastSeen = Exchange.NO_TIME;
  float rateHour;
  float rateDay;
  final float[] hourOfDay = new float[24];
  long lastHour = Long.MIN_VALUE;
  float diurnal = Float.NaN; // cached entropy of hourOfDay, refreshed when the hour changes
  final int[] dayIndex = new int[DAYS];
  final int[] dayHours = new int[DAYS];

  // timing
  float gapMean;
  float gapVar;
  float burst;

  // conversation and templating
  float singleTurn;
  final long[] prefixes = new long[RING];
  final long[] suffixes = new long[RING];
  final long[] skeletons = new long[RING];
  final long[] exacts = new long[RING];
  long lastSystem;
  float prefixShare;
  float suffixShare;
  float skeletonShare;
  float systemShare;
  float repeatShare;

  // content
  final float[] domains = new float[Domain.COUNT];
  float sweep; // cached domain entropy: every request at first, every 4th once the window is full
  float multilingual;
  float instruction;
  float reasoning;
  float grader;
  float safeRewrite;

  // output maximisation and parameters
  float maxTokensLarge;
  float multiSample;
  float logprobs;
  float longOutputs;
  boolean sawOutputs;
  float temperatureZero;

  // account and model
  long createdMillis = Exchange.NO_TIME;
  float newModel;

  // verdict bookkeeping: the account's own standing (its campaign's is the linking stage's)
  byte verdict;
  float peakScore;
  long flaggedAfter = -1;
  final int index; // dense, in order of first appearance: the account's id in the linker
  long flaggedAt = Exchange.NO_TIME;
  float @org.jspecify.annotations.Nullable []
      peakSignals; // the signal values behind peakScore, only once the account is suspicious

  AccountState(int index) {
    this.index = index;
    for (int i = 0; i < DAYS; i++) {
      dayIndex[i] = Integer.MIN_VALUE;
    }
  }

  /**
   * Folds one request into the state.
   *
   * @param modelAgeMillis how long before this request the request's model was released (or first
   *     seen), {@code Long.MAX_VALUE} when unknown
   */
  void update(Observation o, long modelAgeMillis) {
    long t = o.timeMillis();
    requests++;
    float a = requests < WINDOW ? 1f / requests : 1f / WINDOW;
    if (firstSeen == Exchange.NO_TIME) {
      firstSeen = t;
      lastSeen = t;
      createdMillis = o.createdMillis();
    }
    long gap = Math.max(0, t - lastSeen);
    if (t > lastSeen) {
      lastSeen = t;
    }
    long now = lastSeen;

    // Rates: exponential decay in time, +1 per request.
    rateHour = (float) (rateHour * Math.exp(-gap / (double) HOUR)) + 1;
    rateDay = (float) (rateDay * Math.exp(-gap / (double) DAY)) + 1;
    long absoluteHour = Math.floorDiv(now, HOUR);
    int hour = (int) Math.floorMod(absoluteHour, 24L);
    if (absoluteHour != lastHour) {
      // The rhythm of the last few days: bins fade with a three-day time constant. Decaying
      // once per elapsed hour (not per request) keeps the per-request cost flat.
      if (lastHour != Long.MIN_VALUE) {
        float fade = (float) Math.exp(-(absoluteHour - lastHour) / 72.0);
        for (int h = 0; h < 24; h++) {
          hourOfDay[h] *= fade;
        }
      }
      lastHour = absoluteHour;
      hourOfDay[hour] += 1;
      diurnal = lastSeen - firstSeen < DAY ? Float.NaN : entropy(hourOfDay);
    } else {
      hourOfDay[hour] += 1;
      if ((requests & 15) == 0 && lastSeen - firstSeen >= DAY) {
        diurnal = entropy(hourOfDay);
      }
    }
    int day = (int) Math.floorDiv(now, DAY);
    int slot = Math.floorMod(day, DAYS);
    if (dayIndex[slot] != day) {
      dayIndex[slot] = day;
      dayHours[slot] = 0;
    }
    dayHours[slot] |= 1 << hour;

    // Timing: spread of log inter-arrival times.
    if (requests > 1) {
      float lg = (float) Math.log10(gap / 1000.0 + 0.1);
      float b = requests - 1 < WINDOW ? 1f / (requests - 1) : 1f / WINDOW;
      float d = lg - gapMean;
      gapMean += b * d;
      gapVar = (1 - b) * (gapVar + b * d * d);
      burst = ewma(burst, gap < 1000 ? 1 : 0, b);
    }

    PromptFeatures f = o.text();
    singleTurn = ewma(singleTurn, o.userTurns() <= 1 && !o.conversation() ? 1 : 0, a);
    prefixShare = ewma(prefixShare, f.prefix() != 0 && contains(prefixes, f.prefix()) ? 1 : 0, a);
    suffixShare = ewma(suffixShare, f.suffix() != 0 && contains(suffixes, f.suffix()) ? 1 : 0, a);
    skeletonShare = ewma(skeletonShare, f.words() >= 6 && near(skeletons, f.skeleton()) ? 1 : 0, a);
    repeatShare = ewma(repeatShare, f.words() > 0 && contains(exacts, f.exact()) ? 1 : 0, a);
    systemShare = ewma(systemShare, f.system() != 0 && f.system() == lastSystem ? 1 : 0, a);
    int r = (int) ((requests - 1) % RING);
    prefixes[r] = f.prefix();
    suffixes[r] = f.suffix();
    skeletons[r] = f.words() >= 6 ? f.skeleton() : 0;
    exacts[r] = f.exact();
    lastSystem = f.system();

    // Content.
    float keep = 1 - a;
    int dom = f.domains();
    for (int i = 0; i < domains.length; i++) {
      domains[i] = domains[i] * keep + (((dom >>> i) & 1) != 0 ? a : 0);
    }
    if (requests <= WINDOW || (requests & 3) == 0) {
      sweep = entropy(domains);
    }
    multilingual = ewma(multilingual, (dom & Domain.MULTILINGUAL.bit()) != 0 ? 1 : 0, a);
    instruction = ewma(instruction, f.instruction(), a);
    reasoning =
        ewma(reasoning, f.has(PromptFeatures.PHRASE_REASONING) || o.highEffort() ? 1 : 0, a);
    grader = ewma(grader, f.has(PromptFeatures.PHRASE_GRADER) ? 1 : 0, a);
    safeRewrite = ewma(safeRewrite, f.has(PromptFeatures.PHRASE_SAFE_REWRITE) ? 1 : 0, a);

    // Parameters.
    maxTokensLarge = ewma(maxTokensLarge, o.maxTokens() >= 2048 ? 1 : 0, a);
    multiSample = ewma(multiSample, o.n() > 1 ? 1 : 0, a);
    logprobs = ewma(logprobs, o.logprobs() ? 1 : 0, a);
    if (o.outputTokens() >= 0) {
      sawOutputs = true;
      longOutputs = ewma(longOutputs, (float) (Math.log10(1 + o.outputTokens()) / 4), a);
    }
    temperatureZero = ewma(temperatureZero, o.temperature() == 0f ? 1 : 0, a);
    boolean shifted = modelAgeMillis < 14 * DAY && firstSeen < t - modelAgeMillis;
    newModel = ewma(newModel, shifted ? 1 : 0, a);
  }

  /**
   * Format version of {@link #write}; bump it when a field is added, removed or changes meaning.
   */
  static final int CODEC_VERSION = 1;

  /** Upper bound of the bytes {@link #write} writes. */
  static final int MAX_BYTES = 1024;

  /**
   * Writes every field (the index excepted), so that {@link #read} gives back a state that behaves
   * identically: same signals, same verdicts on the same next requests.
   */
  void write(ByteBuffer out) {
    out.put((byte) CODEC_VERSION);
    out.putLong(requests);
    out.putLong(firstSeen);
    out.putLong(lastSeen);
    out.putFloat(rateHour);
    out.putFloat(rateDay);
    writeFloats(out, hourOfDay);
    out.putLong(lastHour);
    out.putFloat(diurnal);
    for (int i = 0; i < DAYS; i++) {
      out.putInt(dayIndex[i]);
      out.putInt(dayHours[i]);
    }
    out.putFloat(gapMean);
    out.putFloat(gapVar);
    out.putFloat(burst);
    out.putFloat(singleTurn);
    // Rings hold at most min(RING, requests) meaningful entries; the rest are zero.
    int n = (int) Math.min(RING, requests);
    out.put((byte) n);
    for (int i = 0; i < n; i++) {
      out.putLong(prefixes[i]);
      out.putLong(suffixes[i]);
      out.putLong(skeletons[i]);
      out.putLong(exacts[i]);
    }
    out.putLong(lastSystem);
    out.putFloat(prefixShare);
    out.putFloat(suffixShare);
    out.putFloat(skeletonShare);
    out.putFloat(systemShare);
    out.putFloat(repeatShare);
    writeFloats(out, domains);
    out.putFloat(sweep);
    out.putFloat(multilingual);
    out.putFloat(instruction);
    out.putFloat(reasoning);
    out.putFloat(grader);
    out.putFloat(safeRewrite);
    out.putFloat(maxTokensLarge);
    out.putFloat(multiSample);
    out.putFloat(logprobs);
    out.putFloat(longOutputs);
    out.put((byte) (sawOutputs ? 1 : 0));
    out.putFloat(temperatureZero);
    out.putLong(createdMillis);
    out.putFloat(newModel);
    out.put(verdict);
    out.putFloat(peakScore);
    out.putLong(flaggedAfter);
    out.putLong(flaggedAt);
    float[] peak = peakSignals;
    if (peak == null) {
      out.put((byte) 0);
    } else {
      out.put((byte) peak.length);
      writeFloats(out, peak);
    }
  }

  /** Reads what {@link #write} wrote, as the state of account number {@code index}. */
  static AccountState read(ByteBuffer in, int index) {
    int version = Byte.toUnsignedInt(in.get());
    if (version != CODEC_VERSION) {
      throw new IllegalArgumentException(
          "account state format " + version + ", expected " + CODEC_VERSION);
    }
    AccountState s = new AccountState(index);
    s.requests = in.getLong();
    s.firstSeen = in.getLong();
    s.lastSeen = in.getLong();
    s.rateHour = in.getFloat();
    s.rateDay = in.getFloat();
    readFloats(in, s.hourOfDay);
    s.lastHour = in.getLong();
    s.diurnal = in.getFloat();
    for (int i = 0; i < DAYS; i++) {
      s.dayIndex[i] = in.getInt();
      s.dayHours[i] = in.getInt();
    }
    s.gapMean = in.getFloat();
    s.gapVar = in.getFloat();
    s.burst = in.getFloat();
    s.singleTurn = in.getFloat();
    int n = Byte.toUnsignedInt(in.get());
    if (n > RING) {
      throw new IllegalArgumentException("ring of " + n + " entries, at most " + RING);
    }
    for (int i = 0; i < n; i++) {
      s.prefixes[i] = in.getLong();
      s.suffixes[i] = in.getLong();
      s.skeletons[i] = in.getLong();
      s.exacts[i] = in.getLong();
    }
    s.lastSystem = in.getLong();
    s.prefixShare = in.getFloat();
    s.suffixShare = in.getFloat();
    s.skeletonShare = in.getFloat();
    s.systemShare = in.getFloat();
    s.repeatShare = in.getFloat();
    readFloats(in, s.domains);
    s.sweep = in.getFloat();
    s.multilingual = in.getFloat();
    s.instruction = in.getFloat();
    s.reasoning = in.getFloat();
    s.grader = in.getFloat();
    s.safeRewrite = in.getFloat();
    s.maxTokensLarge = in.getFloat();
    s.multiSample = in.getFloat();
    s.logprobs = in.getFloat();
    s.longOutputs = in.getFloat();
    s.sawOutputs = in.get() != 0;
    s.temperatureZero = in.getFloat();
    s.createdMillis = in.getLong();
    s.newModel = in.getFloat();
    s.verdict = in.get();
    s.peakScore = in.getFloat();
    s.flaggedAfter = in.getLong();
    s.flaggedAt = in.getLong();
    int peak = Byte.toUnsignedInt(in.get());
    if (peak > 0) {
      if (peak != Signal.COUNT) {
        throw new IllegalArgumentException(
            "peak of " + peak + " signals, expected " + Signal.COUNT);
      }
      s.peakSignals = new float[peak];
      readFloats(in, s.peakSignals);
    }
    return s;
  }

  private static void writeFloats(ByteBuffer out, float[] a) {
    for (float x : a) {
      out.putFloat(x);
    }
  }

  private static void readFloats(ByteBuffer in, float[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = in.getFloat();
    }
  }

  /**
   * Writes the current value of every {@link Signal} into {@code out}, indexed by ordinal. A signal
   * with nothing to go on yet (no usage reported, less than a day of history, no account metadata)
   * is NaN, which the scoring model treats as neutral.
   */
  void signals(float[] out) {
    out[Signal.REQUEST_RATE.ordinal()] = (float) Math.log10(1 + rateHour);
    out[Signal.DAILY_VOLUME.ordinal()] = (float) Math.log10(1 + rateDay);
    out[Signal.ACTIVE_HOURS.ordinal()] = activeHours();
    out[Signal.AROUND_THE_CLOCK.ordinal()] = diurnal;
    out[Signal.TIMING_REGULARITY.ordinal()] =
        requests < 3 ? Float.NaN : (float) Math.max(0, 1 - Math.sqrt(gapVar));
    out[Signal.BURST_SHARE.ordinal()] = burst;
    out[Signal.SINGLE_TURN.ordinal()] = singleTurn;
    out[Signal.TEMPLATE_PREFIX.ordinal()] = prefixShare;
    out[Signal.TEMPLATE_SUFFIX.ordinal()] = suffixShare;
    out[Signal.TEMPLATE_SKELETON.ordinal()] = skeletonShare;
    out[Signal.SHARED_SYSTEM_PROMPT.ordinal()] = systemShare;
    out[Signal.EXACT_REPEATS.ordinal()] = repeatShare;
    out[Signal.CAPABILITY_SWEEP.ordinal()] = sweep;
    out[Signal.DOMAINS_COVERED.ordinal()] = domainsCovered();
    out[Signal.MULTILINGUAL.ordinal()] = multilingual;
    out[Signal.INSTRUCTION_STYLE.ordinal()] = instruction;
    out[Signal.REASONING_ELICITATION.ordinal()] = reasoning;
    out[Signal.MAX_TOKENS_LARGE.ordinal()] = maxTokensLarge;
    out[Signal.MULTI_SAMPLE.ordinal()] = multiSample;
    out[Signal.LOGPROBS.ordinal()] = logprobs;
    out[Signal.LONG_OUTPUTS.ordinal()] = sawOutputs ? longOutputs : Float.NaN;
    out[Signal.YOUNG_ACCOUNT.ordinal()] = youngAccount();
    out[Signal.GRADER_PROMPTS.ordinal()] = grader;
    out[Signal.SAFE_REWRITE.ordinal()] = safeRewrite;
    out[Signal.NEW_MODEL_SHIFT.ordinal()] = newModel;
    out[Signal.TEMPERATURE_ZERO.ordinal()] = temperatureZero;
    out[Signal.EVIDENCE.ordinal()] = (float) Math.log10(requests);
  }

  private float activeHours() {
    int today = (int) Math.floorDiv(lastSeen, DAY);
    int days = 0;
    int hours = 0;
    for (int i = 0; i < DAYS; i++) {
      if (dayIndex[i] != Integer.MIN_VALUE && today - dayIndex[i] < 7) {
        days++;
        hours += Integer.bitCount(dayHours[i]);
      }
    }
    return days == 0 ? 0 : hours / (24f * days);
  }

  private float domainsCovered() {
    float total = 0;
    for (float d : domains) {
      total += d;
    }
    if (total <= 0) {
      return 0;
    }
    int n = 0;
    for (float d : domains) {
      if (d / total >= 0.05f) {
        n++;
      }
    }
    return n;
  }

  private float youngAccount() {
    if (createdMillis == Exchange.NO_TIME) {
      return Float.NaN;
    }
    double ageDays = Math.max(0, firstSeen - createdMillis) / (double) DAY;
    return (float) Math.exp(-ageDays / 7);
  }

  /** Normalised Shannon entropy of non-negative weights: 0 all in one bin, 1 uniform. */
  static float entropy(float[] w) {
    double total = 0;
    for (float x : w) {
      total += x;
    }
    if (total <= 0) {
      return 0;
    }
    double h = 0;
    for (float x : w) {
      if (x > 0) {
        double p = x / total;
        h -= p * Math.log(p);
      }
    }
    return (float) (h / Math.log(w.length));
  }

  private static float ewma(float avg, float x, float a) {
    return avg + a * (x - avg);
  }

  private boolean contains(long[] ring, long h) {
    int n = (int) Math.min(RING, requests - 1);
    for (int i = 0; i < n; i++) {
      if (ring[i] == h) {
        return true;
      }
    }
    return false;
  }

  private boolean near(long[] ring, long h) {
    int n = (int) Math.min(RING, requests - 1);
    for (int i = 0; i < n; i++) {
      if (ring[i] != 0 && Long.bitCount(ring[i] ^ h) <= 8) {
        return true;
      }
    }
    return false;
  }
}
