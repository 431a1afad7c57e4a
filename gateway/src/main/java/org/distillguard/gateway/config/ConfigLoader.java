package org.distillguard.gateway.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link GatewayConfig} from YAML, substituting {@code ${VAR}} and {@code ${VAR:-default}}
 * from the environment first (so secrets stay out of the file), then validates it.
 */
public final class ConfigLoader {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
  private static final Set<String> ACTIONS = Set.of("allow", "throttle", "degrade", "block");

  private ConfigLoader() {}

  /** Loads a file; relative paths inside it resolve against its directory. */
  public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, env, dir == null ? Path.of(".").toAbsolutePath() : dir);
  }

  /**
   * Loads a file for the store only (the {@code keys} and {@code policy} commands): environment
   * variables that are not set read as empty and only the store settings need to make sense, so an
   * operator's shell does not need the gateway's secrets.
   */
  public static GatewayConfig loadForStore(Path file, Map<String, String> env)
      throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, env, dir == null ? Path.of(".").toAbsolutePath() : dir, false);
  }

  /** Parses YAML text. */
  public static GatewayConfig parse(String yaml, Map<String, String> env, Path baseDir)
      throws ConfigException {
    return parse(yaml, env, baseDir, true);
  }

  private static GatewayConfig parse(
      String yaml, Map<String, String> env, Path baseDir, boolean strict) throws ConfigException {
    String substituted = substitute(yaml, env, strict);
    ObjectMapper mapper =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    GatewayConfig c;
    try {
      GatewayConfig read =
          substituted.isBlank()
              ? new GatewayConfig()
              : mapper.readValue(substituted, GatewayConfig.class);
      c = read == null ? new GatewayConfig() : read;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          "unknown setting '" + e.getPropertyName() + "' at " + e.getPathReference());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("invalid configuration: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: " + e.getMessage());
    }
    c.baseDir = baseDir;
    if (strict) {
      validate(c);
    }
    return c;
  }

  static String substitute(String text, Map<String, String> env, boolean strict)
      throws ConfigException {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    Set<String> missing = new HashSet<>();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null || (v.isEmpty() && m.group(2) != null)) {
        v = m.group(3);
      }
      if (v == null) {
        missing.add(m.group(1));
        v = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    if (strict && !missing.isEmpty()) {
      throw new ConfigException(
          "environment variable(s) not set: "
              + String.join(", ", missing.stream().sorted().toList())
              + " (use ${NAME:-default} for optional ones)");
    }
    return out.toString();
  }

  static void validate(GatewayConfig c) throws ConfigException {
    if (c.upstreams.isEmpty()) {
      throw new ConfigException("at least one entry under 'upstreams' is needed");
    }
    Set<String> names = new HashSet<>();
    for (GatewayConfig.Upstream u : c.upstreams) {
      if (!u.api.equals("openai") && !u.api.equals("anthropic")) {
        throw new ConfigException(
            "upstream '" + u.name + "': api must be openai or anthropic, not '" + u.api + "'");
      }
      if (u.name.isEmpty()) {
        u.name = u.api;
      }
      if (!names.add(u.name)) {
        throw new ConfigException("two upstreams are named '" + u.name + "'");
      }
      try {
        URI uri = URI.create(u.url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException("upstream '" + u.name + "': bad url '" + u.url + "'");
      }
    }
    if (!c.auth.mode.equals("issued") && !c.auth.mode.equals("passthrough")) {
      throw new ConfigException("auth.mode must be issued or passthrough");
    }
    if (c.admin.port >= 0 && c.admin.token.length() < 16) {
      throw new ConfigException(
          "admin.token must be set (16+ characters) while the admin listener is on;"
              + " e.g. token: ${DISTILLGUARD_ADMIN_TOKEN}, or admin.port: -1 to turn it off");
    }
    if (c.maxRequestBytes < 1024) {
      throw new ConfigException("max_request_bytes must be at least 1024");
    }
    for (String a :
        new String[] {
          c.policy.suspicious, c.policy.distillation, c.policy.campaign, c.policy.campaignConfirmed
        }) {
      if (!ACTIONS.contains(a)) {
        throw new ConfigException("policy action must be one of " + ACTIONS + ", not '" + a + "'");
      }
    }
    if (c.limits.ipPrefixV4 < 8 || c.limits.ipPrefixV4 > 32) {
      throw new ConfigException("limits.ip_prefix_v4 must be 8..32");
    }
    if (c.limits.ipPrefixV6 < 16 || c.limits.ipPrefixV6 > 128) {
      throw new ConfigException("limits.ip_prefix_v6 must be 16..128");
    }
    if (c.detector.queueCapacity < 16) {
      throw new ConfigException("detector.queue_capacity must be at least 16");
    }
  }

  /** The JDBC URL to use: the configured one, or the SQLite file next to the config. */
  public static String jdbcUrl(GatewayConfig c) {
    if (!c.store.url.isEmpty()) {
      String u = c.store.url;
      if (u.startsWith("jdbc:sqlite:") && !u.startsWith("jdbc:sqlite::memory:")) {
        String file = u.substring("jdbc:sqlite:".length());
        Path p = Path.of(file);
        return "jdbc:sqlite:" + (p.isAbsolute() ? p : c.baseDir.resolve(p)).toString();
      }
      return u;
    }
    return "jdbc:sqlite:" + c.baseDir.resolve("distillguard.db");
  }
}
