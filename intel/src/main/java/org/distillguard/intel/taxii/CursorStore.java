package org.distillguard.intel.taxii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.distillguard.intel.stix.Json;
import org.jspecify.annotations.Nullable;

/**
 * Where polling stands with each peer: the {@code date_added} of the last object imported from it.
 * A small JSON file ({@code cursors.json}), replaced atomically on every change, so a crash leaves
 * either the old or the new cursor. It moves only after the page's objects are on disk in the
 * store; after a crash the page is fetched again and its objects are recognised as duplicates.
 */
public final class CursorStore {
  private final Path file;
  private final Map<String, String> cursors = new TreeMap<>();

  public CursorStore(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve("cursors.json");
    if (Files.exists(file)) {
      JsonNode n = Json.MAPPER.readTree(file.toFile());
      n.properties().forEach(e -> cursors.put(e.getKey(), e.getValue().asText()));
    }
  }

  public synchronized @Nullable String get(String peer) {
    return cursors.get(peer);
  }

  public synchronized void put(String peer, String cursor) throws IOException {
    cursors.put(peer, cursor);
    ObjectNode o = Json.MAPPER.createObjectNode();
    cursors.forEach(o::put);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
