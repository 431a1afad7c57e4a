package org.distillguard.intel.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distillguard.intel.stix.Canonical;
import org.distillguard.intel.stix.Extensions;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.StixTime;
import org.jspecify.annotations.Nullable;

/**
 * The imported objects of one member, persisted as an append-only JSON Lines file ({@code
 * objects.jsonl}: one accepted object version per line, with the peer it came from) and replayed
 * into memory at start. Knows every version it ever accepted, so the same version is never imported
 * twice, whatever the transport repeats after a crash or restart. Thread-safe (one lock): a
 * background feed may import while request threads build snapshots.
 */
public final class IndicatorStore implements AutoCloseable {
  /** The latest version held of one object. */
  public record Held(JsonNode object, String peer, long modified, String digest) {}

  private final @Nullable Path file;
  private final @Nullable FileChannel channel;
  private final @Nullable OutputStream out;
  private final Map<String, Held> latest = new HashMap<>();
  private final Map<String, String> versions = new HashMap<>();
  private final Map<String, Set<String>> confirmations = new HashMap<>();
  private long generation;

  private IndicatorStore(@Nullable Path file) throws IOException {
    this.file = file;
    if (file != null) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      if (Files.exists(file)) {
        replay(file);
      }
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      this.out = java.nio.channels.Channels.newOutputStream(channel);
    } else {
      this.channel = null;
      this.out = null;
    }
  }

  /** A store persisted in {@code dir/objects.jsonl}. */
  public static IndicatorStore open(Path dir) throws IOException {
    return new IndicatorStore(dir.resolve("objects.jsonl"));
  }

  /** A store in memory only (tests, benchmarks). */
  public static IndicatorStore inMemory() {
    try {
      return new IndicatorStore(null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void replay(Path f) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n;
        try {
          n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          // A line torn by a crash during append: everything before it is intact.
          continue;
        }
        remember(n.path("object"), n.path("peer").asText(""));
      }
    }
  }

  /**
   * The digest of an object version's content: its canonical form without the signature extension,
   * so that the same version signed again (a re-export, a later signing time) is recognised as the
   * same, and a different content under a version already held is not.
   */
  public static String digest(JsonNode obj) {
    JsonNode content = obj;
    if (obj.path("extensions").has(Extensions.SIGNATURE)) {
      ObjectNode copy = ((ObjectNode) obj).deepCopy();
      ObjectNode ext = (ObjectNode) copy.get("extensions");
      ext.remove(Extensions.SIGNATURE);
      if (ext.isEmpty()) {
        copy.remove("extensions");
      }
      content = copy;
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(md.digest(Canonical.bytes(content)), 0, 16);
    } catch (NoSuchAlgorithmException | Canonical.NotCanonicalException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The digest held for version {@code (id, modified)}, or null if never imported. */
  public synchronized @Nullable String versionDigest(String id, String modified) {
    return versions.get(id + '|' + modified);
  }

  public synchronized @Nullable Held latest(String id) {
    return latest.get(id);
  }

  public synchronized Collection<Held> all() {
    return List.copyOf(latest.values());
  }

  /**
   * Distinct members other than {@code publisher} that reported a sighting of {@code indicatorId}.
   */
  public synchronized int confirmations(String indicatorId, String publisher) {
    Set<String> s = confirmations.get(indicatorId);
    return s == null ? 0 : s.size() - (s.contains(publisher) ? 1 : 0);
  }

  /** Increases whenever content changes, so derived snapshots know when to rebuild. */
  public synchronized long generation() {
    return generation;
  }

  /** Adds an accepted object version (in memory and appended to the file; see {@link #sync}). */
  public synchronized void add(JsonNode obj, String peer, long receivedAt) throws IOException {
    remember(obj, peer);
    if (out != null) {
      ObjectNode line = Json.MAPPER.createObjectNode();
      line.put("received", StixTime.format(receivedAt));
      line.put("peer", peer);
      line.set("object", obj);
      out.write(Json.MAPPER.writeValueAsBytes(line));
      out.write('\n');
    }
  }

  /** Forces appended lines to disk; call before moving a cursor past them. */
  public synchronized void sync() throws IOException {
    if (channel != null) {
      channel.force(false);
    }
  }

  private void remember(JsonNode obj, String peer) {
    String id = obj.path("id").asText("");
    String modifiedText = obj.path("modified").asText("");
    long modified;
    try {
      modified = StixTime.parseMillis(modifiedText);
    } catch (IllegalArgumentException e) {
      return;
    }
    String d = digest(obj);
    versions.put(id + '|' + modifiedText, d);
    Held h = latest.get(id);
    if (h == null || modified > h.modified()) {
      latest.put(id, new Held(obj, peer, modified, d));
    }
    if ("sighting".equals(obj.path("type").asText())) {
      String of = obj.path("sighting_of_ref").asText("");
      String by = obj.path("created_by_ref").asText("");
      if (!of.isEmpty() && !by.isEmpty() && !obj.path("revoked").asBoolean(false)) {
        confirmations.computeIfAbsent(of, k -> new HashSet<>()).add(by);
      }
    }
    generation++;
  }

  /** Every held indicator, latest versions only. */
  public List<Held> indicators() {
    return ofType("indicator");
  }

  /** Every held object of a STIX type ({@code indicator}, {@code campaign}, …), latest versions. */
  public synchronized List<Held> ofType(String type) {
    List<Held> out = new ArrayList<>();
    for (Held h : latest.values()) {
      if (type.equals(h.object().path("type").asText())) {
        out.add(h);
      }
    }
    return out;
  }

  public @Nullable Path file() {
    return file;
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.flush();
    }
    if (channel != null) {
      channel.force(false);
      channel.close();
    }
  }
}
