package org.distillguard.gateway.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.distillguard.core.io.Rfc3339;
import org.distillguard.gateway.policy.Standing;
import org.jspecify.annotations.Nullable;

/**
 * The decisions of the detector job that this gateway enforces: the latest (most severe) per
 * account, as {@link Standing}s the policy reads on the request path (a concurrent map lookup),
 * with the topic positions they were read up to. Saved to a snapshot file, so a restarted gateway
 * enforces its last known decisions before (or without) reaching Kafka.
 *
 * <p>Decisions only escalate: a record that is not above what the account already has (a replay, a
 * duplicate, an older record read again) changes nothing.
 */
public final class DecisionBook {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<Integer, Long> offsets = new ConcurrentHashMap<>();
  private volatile boolean changed;

  /**
   * One enforced decision.
   *
   * @param ref the audit reference quoted in refusals
   * @param recordMillis the Kafka record's timestamp (when the job produced it), or -1
   * @param appliedMillis when this gateway started enforcing it (wall clock), or -1 if it came from
   *     a snapshot
   */
  public record Entry(
      JobDecision decision, Standing standing, long recordMillis, long appliedMillis) {}

  /** The standing the job's decisions give an account, or null. */
  public @Nullable Standing standing(String account) {
    Entry e = entries.get(account);
    return e == null ? null : e.standing();
  }

  public @Nullable Entry entry(String account) {
    return entries.get(account);
  }

  public int size() {
    return entries.size();
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** Whether a decision would raise what is held against its account. */
  public boolean raises(JobDecision d) {
    Entry e = entries.get(d.account());
    return e == null || d.verdict().ordinal() > e.decision().verdict().ordinal();
  }

  /** Enforces a decision if it raises the account's standing; true when it did. */
  public boolean apply(JobDecision d, String ref, long recordMillis, long appliedMillis) {
    if (!raises(d)) {
      return false;
    }
    Standing s =
        new Standing(d.account(), d.verdict(), d.score(), ref, d.campaign(), d.byCampaign());
    entries.put(d.account(), new Entry(d, s, recordMillis, appliedMillis));
    changed = true;
    return true;
  }

  /** Records that the topic's partition has been read up to (excluding) {@code next}. */
  public void position(int partition, long next) {
    Long before = offsets.put(partition, next);
    if (before == null || before != next) {
      changed = true;
    }
  }

  /** Where to resume reading a partition, or null if unknown. */
  public @Nullable Long position(int partition) {
    return offsets.get(partition);
  }

  public Map<Integer, Long> positions() {
    return new TreeMap<>(offsets);
  }

  /** Something changed since the last {@link #save}. */
  public boolean dirty() {
    return changed;
  }

  /** Writes the snapshot atomically (a crash leaves the old one or the new one). */
  public void save(Path file, String topic) throws IOException {
    changed = false;
    ObjectNode root = JSON.createObjectNode();
    root.put("topic", topic);
    ObjectNode pos = root.putObject("positions");
    positions().forEach((p, o) -> pos.put(Integer.toString(p), o));
    ArrayNode ds = root.putArray("decisions");
    for (Entry e : entries.values()) {
      JobDecision d = e.decision();
      ObjectNode o = ds.addObject();
      o.put("id", d.id());
      o.put("account", d.account());
      o.put("action", d.action());
      o.put("verdict", d.verdict().id());
      o.put("reason", d.reason());
      o.put("campaign", d.campaign());
      o.put("score", d.score());
      o.put("requests", d.requests());
      o.put("time", Rfc3339.format(d.timeMillis()));
      o.put("ref", e.standing().ref());
      o.put("record_time", e.recordMillis());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), root);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Loads a snapshot written by {@link #save}; positions are only taken if it was written for the
   * same topic. A missing file loads nothing.
   *
   * @throws IOException when the file exists but cannot be read (the message names the problem)
   */
  public static DecisionBook load(Path file, String topic) throws IOException {
    DecisionBook b = new DecisionBook();
    if (!Files.exists(file)) {
      return b;
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("decision snapshot " + file + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.path("decisions").isArray()) {
      throw new IOException("decision snapshot " + file + " has no 'decisions' array");
    }
    int i = 0;
    for (JsonNode o : root.path("decisions")) {
      i++;
      JobDecision d;
      try {
        d = JobDecision.parse(JSON.writeValueAsBytes(o));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            "decision snapshot " + file + ", decision " + i + ": " + e.getMessage());
      }
      String ref = o.path("ref").asText(d.id());
      b.apply(d, ref, o.path("record_time").asLong(-1), -1);
    }
    if (topic.equals(root.path("topic").asText())) {
      root.path("positions")
          .fields()
          .forEachRemaining(
              f -> {
                try {
                  b.offsets.put(Integer.parseInt(f.getKey()), f.getValue().asLong());
                } catch (NumberFormatException e) {
                  // not a partition: ignore the position, the decisions stay
                }
              });
    }
    b.changed = false;
    return b;
  }
}
