package org.distillguard.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.distillguard.intel.stix.Json;
import org.jspecify.annotations.Nullable;

/**
 * One TAXII collection: an append-only sequence of object versions, each with the {@code
 * date_added} the server gave it. {@code date_added} is strictly increasing with microsecond
 * precision, so it doubles as an exact cursor ({@code added_after}) and as the {@code next} token.
 * Persisted as JSON Lines when given a file; thread-safe.
 */
public final class TaxiiCollection implements AutoCloseable {
  /** One stored object version. */
  public record Entry(
      long addedMicros,
      String id,
      String type,
      String version,
      String specVersion,
      JsonNode object) {}

  private final String id;
  private final String title;
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, List<Entry>> byId = new HashMap<>();
  private final Map<String, Entry> byVersion = new HashMap<>();
  private final Clock clock;
  private final @Nullable FileChannel channel;
  private final @Nullable OutputStream out;
  private long lastMicros;

  public TaxiiCollection(String id, String title, @Nullable Path file, Clock clock)
      throws IOException {
    this.id = id;
    this.title = title;
    this.clock = clock;
    if (file != null) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (Files.exists(file)) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          String line;
          while ((line = r.readLine()) != null) {
            if (!line.isBlank()) {
              try {
                JsonNode n = Json.MAPPER.readTree(line);
                remember(n.path("added").asLong(), n.path("object"));
              } catch (IOException e) {
                // torn last line after a crash
              }
            }
          }
        }
      }
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      out = Channels.newOutputStream(channel);
    } else {
      channel = null;
      out = null;
    }
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** Adds versions not held yet; returns, per object, whether it was new. Forces them to disk. */
  public synchronized List<Boolean> add(List<JsonNode> objects) throws IOException {
    List<Boolean> out = new ArrayList<>(objects.size());
    for (JsonNode o : objects) {
      String key = o.path("id").asText() + '|' + version(o);
      if (byVersion.containsKey(key)) {
        out.add(false);
        continue;
      }
      Instant now = clock.instant();
      long micros =
          Math.max(now.getEpochSecond() * 1_000_000L + now.getNano() / 1000, lastMicros + 1);
      remember(micros, o);
      if (this.out != null) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("added", micros);
        line.set("object", o);
        this.out.write(Json.MAPPER.writeValueAsBytes(line));
        this.out.write('\n');
      }
      out.add(true);
    }
    if (channel != null) {
      channel.force(false);
    }
    return out;
  }

  private void remember(long micros, JsonNode o) {
    Entry e =
        new Entry(
            micros,
            o.path("id").asText(),
            o.path("type").asText(),
            version(o),
            o.path("spec_version").asText("2.1"),
            o);
    entries.add(e);
    byId.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
    byVersion.put(e.id() + '|' + e.version(), e);
    lastMicros = Math.max(lastMicros, micros);
  }

  /** The version of an object: {@code modified}, else {@code created}, else a fixed value. */
  static String version(JsonNode o) {
    if (o.hasNonNull("modified")) {
      return o.get("modified").asText();
    }
    if (o.hasNonNull("created")) {
      return o.get("created").asText();
    }
    return "1970-01-01T00:00:00.000Z";
  }

  /** A page of entries matching {@code filter}, added after {@code afterMicros}, oldest first. */
  public synchronized Page page(Predicate<Entry> filter, long afterMicros, int limit) {
    List<Entry> out = new ArrayList<>();
    boolean more = false;
    // Entries are in strictly increasing date_added order: start after the cursor directly.
    int lo = 0;
    int hi = entries.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).addedMicros() <= afterMicros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (Entry e : entries.subList(lo, entries.size())) {
      if (!filter.test(e)) {
        continue;
      }
      if (out.size() == limit) {
        more = true;
        break;
      }
      out.add(e);
    }
    return new Page(out, more);
  }

  /** Every version of {@code objectId}, oldest first. */
  public synchronized List<Entry> versions(String objectId) {
    return List.copyOf(byId.getOrDefault(objectId, List.of()));
  }

  /** Whether {@code e} is the latest (or first) version of its object. */
  public synchronized boolean isLast(Entry e) {
    List<Entry> vs = byId.get(e.id());
    if (vs == null) {
      return false;
    }
    Entry best = vs.get(0);
    for (Entry v : vs) {
      if (v.version().compareTo(best.version()) > 0) {
        best = v;
      }
    }
    return best.addedMicros() == e.addedMicros();
  }

  public synchronized boolean isFirst(Entry e) {
    List<Entry> vs = byId.get(e.id());
    if (vs == null) {
      return false;
    }
    Entry best = vs.get(0);
    for (Entry v : vs) {
      if (v.version().compareTo(best.version()) < 0) {
        best = v;
      }
    }
    return best.addedMicros() == e.addedMicros();
  }

  public synchronized int size() {
    return entries.size();
  }

  /** A page of results. */
  public record Page(List<Entry> entries, boolean more) {}

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.flush();
    }
    if (channel != null) {
      channel.close();
    }
  }
}
