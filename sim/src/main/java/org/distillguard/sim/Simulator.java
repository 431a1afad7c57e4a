package org.distillguard.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.distillguard.core.event.Exchange;
import org.distillguard.core.io.ExchangeWriter;
import org.distillguard.sim.Scenario.PopulationSpec;
import org.jspecify.annotations.Nullable;

/**
 * Generates a labelled exchange log from a {@link Scenario} and a {@link PromptCorpus}.
 *
 * <pre>{@code
 * Scenario s = ScenarioLoader.load("small");
 * PromptCorpus prompts = PromptCorpus.load(Path.of("examples/prompts"), PromptCorpus.Split.ALL);
 * Simulator.Summary sum = new Simulator(s, prompts, new SimulationOptions(1, 1.0))
 *     .write(eventsWriter, labelsWriter, Simulator.Progress.NONE);
 * }</pre>
 *
 * <p>Each account is a lazy generator ({@link Traffic}) with its own {@link SplittableRandom}
 * seeded from the run's seed, the population's position in the scenario and the account's index:
 * nothing depends on wall-clock time, hash order or thread timing, so a seed always gives the same
 * bytes. A priority queue holding one pending exchange per account merges the generators into one
 * time-ordered stream (ties broken by account order), so memory is proportional to the number of
 * accounts whatever the number of events.
 */
public final class Simulator {
  /** What a run produced. */
  public record Summary(
      String scenario,
      long events,
      int accounts,
      int distillAccounts,
      int campaigns,
      long firstMillis,
      long lastMillis) {}

  /** Receives progress every few thousand events. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (events, fraction) -> {};

    /**
     * Reports how far the run has come.
     *
     * @param events events produced so far
     * @param fraction of the simulated period covered so far, 0 to 1
     */
    void update(long events, double fraction);
  }

  private final Scenario scenario;
  private final PromptCorpus corpus;
  private final SimulationOptions options;
  private int peakQueued;

  public Simulator(Scenario scenario, PromptCorpus corpus, SimulationOptions options) {
    this.scenario = scenario;
    this.corpus = corpus;
    this.options = options;
  }

  /** Writes the log as Contract 1 lines and the labels as JSON lines, then returns the summary. */
  public Summary write(Writer events, Writer labels, Progress progress) {
    Summary s =
        run(
            e -> ExchangeWriter.writeLine(e, events),
            l -> {
              try {
                labels.write(l.toJson());
                labels.write('\n');
              } catch (IOException ex) {
                throw new UncheckedIOException(ex);
              }
            },
            progress);
    try {
      events.flush();
      labels.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return s;
  }

  /**
   * Streams every exchange in time order to {@code sink}, then every label (accounts with at least
   * one exchange, sorted by account id) to {@code labels}.
   */
  public Summary run(Consumer<Exchange> sink, Consumer<Label> labels, Progress progress) {
    List<Traffic> accounts = createAccounts();
    record Head(Exchange e, Traffic traffic, int order) {}
    PriorityQueue<Head> queue =
        new PriorityQueue<>(
            Math.max(1, accounts.size()),
            Comparator.comparingLong((Head h) -> h.e().timeMillis()).thenComparingInt(Head::order));
    boolean[] seen = new boolean[accounts.size()];
    for (int i = 0; i < accounts.size(); i++) {
      Exchange e = accounts.get(i).next();
      if (e != null) {
        queue.add(new Head(e, accounts.get(i), i));
      }
    }
    peakQueued = queue.size();
    long n = 0;
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    long start = scenario.startMillis();
    double span = Math.max(1, scenario.endMillis() - start);
    while (!queue.isEmpty()) {
      Head h = queue.poll();
      Exchange e = h.e();
      if (e.timeMillis() < last) {
        throw new IllegalStateException("account " + e.account() + " went back in time");
      }
      if (n == 0) {
        first = e.timeMillis();
      }
      last = e.timeMillis();
      seen[h.order()] = true;
      sink.accept(e);
      n++;
      if (n % 10_000 == 0) {
        progress.update(n, (last - start) / span);
      }
      Exchange next = h.traffic().next();
      if (next != null) {
        queue.add(new Head(next, h.traffic(), h.order()));
        peakQueued = Math.max(peakQueued, queue.size());
      }
    }
    progress.update(n, 1.0);
    List<Label> ls = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      if (seen[i]) {
        ls.add(accounts.get(i).label());
      }
    }
    ls.sort(Comparator.comparing(Label::account));
    int distill = 0;
    java.util.TreeSet<String> campaigns = new java.util.TreeSet<>();
    for (Label l : ls) {
      labels.accept(l);
      distill += l.distill() ? 1 : 0;
      if (l.campaign() != null) {
        campaigns.add(l.campaign());
      }
    }
    return new Summary(scenario.name(), n, ls.size(), distill, campaigns.size(), first, last);
  }

  /** The largest number of pending exchanges held at once during the last run (one per account). */
  int peakQueued() {
    return peakQueued;
  }

  /** Number of accounts the scenario creates at this scale (some may end up with no traffic). */
  public int plannedAccounts() {
    return plan().size();
  }

  /** One account to create: which population, which member, which campaign or company. */
  private record Slot(
      int population,
      PopulationSpec spec,
      long member,
      @Nullable Campaign campaign,
      @Nullable Company company) {}

  private List<Slot> plan() {
    World world = world();
    List<Slot> slots = new ArrayList<>();
    List<PopulationSpec> pops = scenario.populations();
    for (int pi = 0; pi < pops.size(); pi++) {
      PopulationSpec spec = pops.get(pi);
      int count = scaled(spec.count());
      boolean hydra = Population.HYDRA.label().equals(spec.kind());
      boolean team = Population.TEAM.label().equals(spec.kind());
      for (int i = 0; i < count; i++) {
        if (hydra) {
          SplittableRandom cr = new SplittableRandom(Rng.mix(options.seed(), pi, -1 - i));
          Campaign c = new Campaign("camp-" + Rng.hex(cr, 6), cr, world, spec);
          for (int m = 0; m < c.size; m++) {
            slots.add(new Slot(pi, spec, i * 1_000_000L + m, c, null));
          }
        } else if (team) {
          SplittableRandom cr = new SplittableRandom(Rng.mix(options.seed(), pi, -1 - i));
          Company c = new Company(cr, world, spec);
          for (int m = 0; m < c.size; m++) {
            slots.add(new Slot(pi, spec, i * 1_000_000L + m, null, c));
          }
        } else {
          slots.add(new Slot(pi, spec, i, null, null));
        }
      }
    }
    return slots;
  }

  private int scaled(int count) {
    if (count <= 0) {
      return 0;
    }
    return (int) Math.max(1, Math.round(count * options.scale()));
  }

  private World world() {
    long start = scenario.startMillis();
    return new World(
        start,
        scenario.endMillis(),
        start + Math.round(scenario.newModelDay() * World.DAY),
        corpus);
  }

  private List<Traffic> createAccounts() {
    World world = world();
    List<Slot> slots = plan();
    // Account ids are a seeded permutation, so an id says nothing about population or campaign.
    int[] perm = new int[slots.size()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    SplittableRandom pr = new SplittableRandom(Rng.mix(options.seed(), 0xACC0));
    for (int i = perm.length - 1; i > 0; i--) {
      int j = pr.nextInt(i + 1);
      int tmp = perm[i];
      perm[i] = perm[j];
      perm[j] = tmp;
    }
    List<Traffic> out = new ArrayList<>(slots.size());
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      SplittableRandom r =
          new SplittableRandom(Rng.mix(options.seed(), s.population(), s.member()));
      Account a =
          new Account("acct-" + (1_000_000 + perm[i]), r, world, Rng.pick(r, Infra.COUNTRIES));
      out.add(create(a, s, world));
    }
    return out;
  }

  private static Traffic create(Account a, Slot s, World w) {
    Population p = Population.byName(s.spec().kind());
    if (p == null) {
      throw new IllegalArgumentException("unknown population " + s.spec().kind());
    }
    PopulationSpec spec = s.spec();
    return switch (p) {
      case PERSON -> new PersonTraffic(a, spec, w.start(), w.end());
      case DEVELOPER -> new DeveloperTraffic(a, spec, w.start(), w.end());
      case APP -> new AppTraffic(a, spec);
      case PIPELINE -> new PipelineTraffic(a, spec);
      case BENCHMARK -> new BenchmarkTraffic(a, spec);
      case TEAM ->
          new DeveloperTraffic(
              a,
              spec,
              w.start(),
              w.end(),
              java.util.Objects.requireNonNull(s.company()),
              (int) (s.member() % 1_000_000));
      case BULK -> BulkTraffic.create(a, spec);
      case COT -> new CotTraffic(a, spec);
      case SWEEP -> new SweepTraffic(a, spec);
      case HUMAN_PROMPTS -> new HumanPromptsTraffic(a, spec);
      case HYDRA ->
          new HydraTraffic(
              a, java.util.Objects.requireNonNull(s.campaign()), (int) (s.member() % 1_000_000));
      case STEALTH -> new StealthTraffic(a, spec, w.start(), w.end());
      case TURNCOAT -> new TurncoatTraffic(a, spec);
    };
  }
}
