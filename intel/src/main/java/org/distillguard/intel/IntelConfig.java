package org.distillguard.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.intel.ingest.ImportPolicy;
import org.distillguard.intel.sign.Peer;
import org.distillguard.intel.sign.SigningKey;
import org.distillguard.intel.stix.Json;
import org.distillguard.intel.stix.Tlp;
import org.jspecify.annotations.Nullable;

/**
 * A member's intelligence-sharing configuration, read from one JSON file (format in docs/INTEL.md).
 * Relative paths are resolved against the file's directory.
 */
public record IntelConfig(
    String member,
    Path signingKey,
    Path consortiumKey,
    Tlp tlp,
    Path stateDir,
    List<PeerConfig> peers,
    ServerConfig server,
    ImportPolicy policy) {

  /** A peer: name, pinned keys, and where to poll it (optional). */
  public record PeerConfig(
      String name, String identity, List<PublicKey> keys, @Nullable Taxii taxii) {
    public Peer peer() {
      return new Peer(name, identity, keys);
    }
  }

  /** A peer's TAXII collection and the token this member presents there. */
  public record Taxii(String url, String apiRoot, String collection, String token) {}

  /**
   * This member's TAXII server.
   *
   * @param tokens bearer token per peer name (the peers' read access)
   * @param publisherToken the token with write access to this member's own collection
   */
  public record ServerConfig(
      String host, int port, Map<String, String> tokens, String publisherToken) {
    public ServerConfig {
      tokens = Map.copyOf(tokens);
    }
  }

  /** Thrown for an unusable configuration; the message says what and where. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }

  public List<Peer> pinnedPeers() {
    List<Peer> out = new ArrayList<>();
    peers.forEach(p -> out.add(p.peer()));
    return out;
  }

  public String identity() {
    return Peer.identityOf(member);
  }

  public static IntelConfig read(Path file) throws ConfigException {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
    Path parent = file.toAbsolutePath().getParent();
    Path base = parent != null ? parent : Path.of(".");
    try {
      String member = required(n, "member");
      List<PeerConfig> peers = new ArrayList<>();
      for (JsonNode p : n.path("peers")) {
        String name = required(p, "name");
        List<PublicKey> keys = new ArrayList<>();
        JsonNode pk =
            p.path("public_keys").isArray() ? p.path("public_keys") : p.path("public_key");
        if (pk.isTextual()) {
          keys.add(SigningKey.parsePublic(pk.asText()));
        } else {
          for (JsonNode k : pk) {
            keys.add(SigningKey.parsePublic(k.asText()));
          }
        }
        if (keys.isEmpty()) {
          throw new ConfigException("peer " + name + ": no public_key pinned");
        }
        JsonNode t = p.path("taxii");
        Taxii taxii =
            t.isObject()
                ? new Taxii(
                    required(t, "url"),
                    t.path("api_root").asText("distillguard"),
                    t.path("collection").asText(Peer.identityOf(name).substring(10)),
                    t.path("token").asText(""))
                : null;
        peers.add(
            new PeerConfig(name, p.path("identity").asText(Peer.identityOf(name)), keys, taxii));
      }
      JsonNode s = n.path("server");
      Map<String, String> tokens = new LinkedHashMap<>();
      s.path("tokens").properties().forEach(e -> tokens.put(e.getKey(), e.getValue().asText()));
      ServerConfig server =
          new ServerConfig(
              s.path("host").asText("127.0.0.1"),
              s.path("port").asInt(9400),
              tokens,
              s.path("publisher_token").asText(""));
      return new IntelConfig(
          member,
          base.resolve(n.path("signing_key").asText(member + ".key")),
          base.resolve(n.path("consortium_key").asText("consortium.key")),
          Tlp.parse(n.path("tlp").asText("amber")),
          base.resolve(n.path("state_dir").asText("intel-state")),
          peers,
          server,
          ImportPolicy.fromJson(n.get("policy")));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException(file + ": " + e.getMessage());
    }
  }

  private static String required(JsonNode n, String field) throws ConfigException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new ConfigException("missing '" + field + "'");
    }
    return v.asText();
  }
}
