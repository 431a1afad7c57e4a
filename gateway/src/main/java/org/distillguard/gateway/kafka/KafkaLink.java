package org.distillguard.gateway.kafka;

import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.distillguard.core.event.Exchange;
import org.distillguard.gateway.audit.Audit;
import org.distillguard.gateway.metrics.GatewayMetrics;
import org.distillguard.gateway.policy.Policy;
import org.distillguard.gateway.policy.Standings;
import org.distillguard.gateway.store.AuditEntry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway's link to Kafka, from its {@code kafka:} section: the {@link ExchangePublisher} (unless
 * {@code exchanges.mode: off}), the {@link DecisionFeed} and its {@link DecisionBook} (unless
 * {@code decisions.enabled: false}), their metrics, and what {@code /readyz} says when Kafka is
 * away. Nothing here can stop the gateway from serving: with Kafka down from the start, it starts,
 * spills, and enforces the decisions of its snapshot.
 */
public final class KafkaLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLink.class);

  /** How long the publisher thread may wait for topic metadata in {@code send}. */
  private static final long MAX_BLOCK_MS = 500;

  private final String instance;
  private final @Nullable ExchangePublisher publisher;
  private final @Nullable DecisionFeed feed;
  private final DecisionBook book;
  private @Nullable Timer propagation;
  private final StateDirLock lock;

  private KafkaLink(
      String instance,
      StateDirLock lock,
      @Nullable ExchangePublisher publisher,
      @Nullable DecisionFeed feed,
      DecisionBook book) {
    this.instance = instance;
    this.lock = lock;
    this.publisher = publisher;
    this.feed = feed;
    this.book = book;
  }

  /**
   * Opens the spill and the snapshot under {@code state_dir} and starts the clients (which connect
   * in the background).
   *
   * @param listenPort names the instance when {@code kafka.instance} is empty
   */
  public static KafkaLink open(
      KafkaConfig k, Path baseDir, int listenPort, Audit audit, Clock clock) throws IOException {
    String instance = k.instance.isBlank() ? defaultInstance(listenPort) : k.instance;
    Path state = baseDir.resolve(k.stateDir);
    StateDirLock lock = StateDirLock.acquire(state);
    try {
      Properties extra = new Properties();
      extra.putAll(k.properties);
      ExchangePublisher pub = null;
      if (k.publishes()) {
        pub =
            new ExchangePublisher(
                KafkaClients.producer(
                    k.bootstrapServers,
                    k.clientId + "-" + instance + "-exchanges",
                    k.bufferBytes,
                    MAX_BLOCK_MS,
                    extra),
                k.exchanges.topic,
                new Spill(state.resolve("spill"), clock),
                new Spill(state.resolve("refused"), clock),
                k.bufferBytes,
                k.queueCapacity,
                k.downAfterMs);
      }
      DecisionBook book;
      DecisionFeed feed = null;
      if (k.decisions.enabled) {
        Path snapshot = state.resolve("decisions.json");
        book = DecisionBook.load(snapshot, k.decisions.topic);
        if (book.size() > 0) {
          LOG.info("kafka decisions: {} decision(s) in force from {}", book.size(), snapshot);
        }
        feed =
            new DecisionFeed(
                KafkaClients.consumer(
                    k.bootstrapServers,
                    k.clientId + "-" + instance + "-decisions",
                    k.clientId + "-" + instance,
                    k.decisions.start,
                    k.decisions.isolation,
                    extra),
                k.decisions.topic,
                book,
                snapshot,
                k.decisions.start.equals("latest"),
                (d, ref, at) -> audit(audit, d, ref, at),
                k.downAfterMs);
      } else {
        book = new DecisionBook();
      }
      KafkaLink link = new KafkaLink(instance, lock, pub, feed, book);
      if (feed != null) {
        feed.onApplied(link::observed);
        feed.start();
      }
      LOG.info(
          "kafka: {} as instance '{}': exchanges {} {}, decisions {}",
          k.bootstrapServers,
          instance,
          k.exchanges.mode,
          k.exchanges.topic,
          k.decisions.enabled ? k.decisions.topic + " (" + k.decisions.isolation + ")" : "off");
      return link;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static String defaultInstance(int port) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "gateway";
    }
    return host + "-" + port;
  }

  /** Audits a job decision this gateway enforces, under the reference its refusals quote. */
  private static void audit(Audit audit, JobDecision d, String ref, long atMillis) {
    audit
        .store()
        .appendAudit(
            new AuditEntry(
                ref,
                atMillis,
                "detector-job",
                "verdict." + d.verdict().id(),
                "account:" + d.account(),
                "decision "
                    + d.id()
                    + " of the detector job: "
                    + (d.byCampaign() ? "flagged by confirmed " + d.campaign() + "; " : "")
                    + "score "
                    + d.score()
                    + " after "
                    + d.requests()
                    + " requests",
                null));
  }

  private void observed(JobDecision d, long recordMillis, long appliedMillis) {
    Timer t = propagation;
    if (t != null && recordMillis >= 0) {
      t.record(Math.max(0, appliedMillis - recordMillis), TimeUnit.MILLISECONDS);
    }
  }

  /** Hands an exchange to the publisher (never blocks); nothing when publishing is off. */
  public void publish(Exchange e) {
    ExchangePublisher p = publisher;
    if (p != null) {
      p.publish(e);
    }
  }

  public boolean publishes() {
    return publisher != null;
  }

  /** The local standings combined with the job's decisions (most severe wins). */
  public Standings standings(Standings local, Policy policy) {
    return feed == null ? local : new CombinedStandings(local, book, policy);
  }

  public DecisionBook book() {
    return book;
  }

  public @Nullable ExchangePublisher publisher() {
    return publisher;
  }

  public @Nullable DecisionFeed feed() {
    return feed;
  }

  public String instance() {
    return instance;
  }

  /** Whether the producer and the decision consumer both reach Kafka. */
  public boolean up() {
    ExchangePublisher p = publisher;
    DecisionFeed f = feed;
    return (p == null || p.kafkaUp()) && (f == null || f.connected());
  }

  /**
   * Null while all is well; otherwise what {@code /readyz} appends to say the gateway is degraded
   * (still serving, with its last known decisions and a local spill).
   */
  public @Nullable String degraded() {
    ExchangePublisher p = publisher;
    DecisionFeed f = feed;
    StringBuilder sb = new StringBuilder();
    if (p != null && !p.kafkaUp()) {
      sb.append("exchanges: kafka unreachable, spilling to disk (")
          .append(p.spillBytes())
          .append(" bytes spilled)");
    } else if (p != null && p.spillBytes() > 0) {
      sb.append("exchanges: replaying ").append(p.spillBytes()).append(" spilled bytes");
    }
    if (f != null && !f.connected()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append("decisions: kafka unreachable for ")
          .append(Math.round(f.secondsSinceContact()))
          .append(" s, enforcing the last ")
          .append(book.size())
          .append(" known decision(s)");
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  public void registerMetrics(GatewayMetrics m) {
    m.gauge(
        "distillguard.kafka.up",
        "1 while Kafka answers the gateway's clients",
        this,
        l -> l.up() ? 1 : 0);
    ExchangePublisher p = publisher;
    if (p != null) {
      m.functionCounter(
          "distillguard.kafka.exchanges.published",
          "Exchanges acknowledged by Kafka, sent directly",
          p,
          ExchangePublisher::published);
      m.functionCounter(
          "distillguard.kafka.exchanges.spilled",
          "Exchanges written to the spill journal",
          p,
          ExchangePublisher::spilled);
      m.functionCounter(
          "distillguard.kafka.exchanges.replayed",
          "Spilled exchanges acknowledged by Kafka",
          p,
          ExchangePublisher::replayed);
      m.functionCounter(
          "distillguard.kafka.exchanges.dropped",
          "Exchanges dropped because the publisher's queue was full",
          p,
          ExchangePublisher::dropped);
      m.functionCounter(
          "distillguard.kafka.exchanges.rejected",
          "Exchanges Kafka refused for good (kept in state_dir/refused)",
          p,
          ExchangePublisher::rejected);
      m.gauge(
          "distillguard.kafka.buffer.bytes",
          "Bytes handed to the producer, not yet acknowledged",
          p,
          ExchangePublisher::bufferBytes);
      m.gauge(
          "distillguard.kafka.spill.bytes",
          "Bytes waiting in the spill journal",
          p,
          ExchangePublisher::spillBytes);
      m.gauge(
          "distillguard.kafka.exchanges.queued",
          "Exchanges waiting for the publisher thread",
          p,
          ExchangePublisher::queued);
    }
    DecisionFeed f = feed;
    if (f != null) {
      m.gauge("distillguard.kafka.decisions", "Job decisions in force", book, DecisionBook::size);
      m.functionCounter(
          "distillguard.kafka.decisions.applied",
          "Job decisions that raised an account's standing here",
          f,
          DecisionFeed::applied);
      m.functionCounter(
          "distillguard.kafka.decisions.malformed",
          "Decision records that could not be read",
          f,
          DecisionFeed::malformed);
      m.gauge("distillguard.kafka.decisions.lag", "Decisions not yet read", f, DecisionFeed::lag);
      m.gauge(
          "distillguard.kafka.decisions.contact.age.seconds",
          "Seconds since the broker last answered the decision consumer",
          f,
          DecisionFeed::secondsSinceContact);
      propagation =
          Timer.builder("distillguard.kafka.decision.propagation")
              .description("From the job's decision record to enforcement at this gateway")
              .publishPercentileHistogram()
              .register(m.registry());
    }
  }

  /** Figures for the status page. */
  public Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("instance", instance);
    s.put("up", up());
    ExchangePublisher p = publisher;
    if (p != null) {
      s.put("published", p.published());
      s.put("spilled", p.spilled());
      s.put("replayed", p.replayed());
      s.put("dropped", p.dropped());
      s.put("buffer_bytes", p.bufferBytes());
      s.put("spill_bytes", p.spillBytes());
    }
    if (feed != null) {
      s.put("decisions", book.size());
    }
    return s;
  }

  /** Closes the decision feed (saving its snapshot) and the publisher (see its close). */
  public void close(Duration grace) {
    DecisionFeed f = feed;
    if (f != null) {
      f.close();
    }
    ExchangePublisher p = publisher;
    if (p != null) {
      p.close(grace);
    }
    lock.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
