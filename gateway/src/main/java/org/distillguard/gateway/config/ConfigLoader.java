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
    normalize(c);
    if (strict) {
      validate(c);
    }
    return c;
  }

  static String substitute(String text, Map<String, String> env, boolean strict)
      throws ConfigException {
    StringBuilder out = new StringBuilder();
    Set<String> missing = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      String line = lines[i];
      // Comments are not substituted: a commented-out ${SECRET} needs no variable.
      int hash = commentStart(line);
      substituteLine(line.substring(0, hash), env, out, missing);
      out.append(line, hash, line.length());
    }
    if (strict && !missing.isEmpty()) {
      throw new ConfigException(
          "environment variable(s) not set: "
              + String.join(", ", missing.stream().sorted().toList())
              + " (use ${NAME:-default} for optional ones)");
    }
    return out.toString();
  }

  /** Where a YAML comment starts ({@code #} at the start or after a space, outside quotes). */
  private static int commentStart(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        }
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return i;
      }
    }
    return line.length();
  }

  private static void substituteLine(
      String text, Map<String, String> env, StringBuilder out, Set<String> missing) {
    Matcher m = VAR.matcher(text);
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
  }

  /** An empty YAML value ({@code api_key: ${KEY:-}}) reads as null; make it "" again. */
  @SuppressWarnings("NullAway") // Jackson may have written null into non-null fields
  private static void normalize(GatewayConfig c) {
    if (c.upstreams == null) {
      c.upstreams = new java.util.ArrayList<>();
    }
    for (GatewayConfig.Upstream u : c.upstreams) {
      u.name = orEmpty(u.name);
      u.url = orEmpty(u.url);
      u.apiKey = orEmpty(u.apiKey);
      u.caFile = orEmpty(u.caFile);
      u.api = u.api == null ? "openai" : u.api;
      if (u.models == null) {
        u.models = new java.util.ArrayList<>();
      }
    }
    c.store.url = orEmpty(c.store.url);
    c.store.user = orEmpty(c.store.user);
    c.store.password = orEmpty(c.store.password);
    c.admin.token = orEmpty(c.admin.token);
    c.clientIpHeader = orEmpty(c.clientIpHeader);
    c.policy.supportContact = orEmpty(c.policy.supportContact);
    GatewayConfig.Marking m = c.marking;
    m.mode = orEmpty(m.mode);
    m.masterKey = orEmpty(m.masterKey);
    m.masterKeyFile = orEmpty(m.masterKeyFile);
    m.member = orEmpty(m.member);
    m.suspectVerdict = orEmpty(m.suspectVerdict);
    m.upstreamWatermark = orEmpty(m.upstreamWatermark);
    if (m.campaigns == null) {
      m.campaigns = new java.util.ArrayList<>();
    }
    if (m.accounts == null) {
      m.accounts = new java.util.ArrayList<>();
    }
    if (c.intel == null) {
      c.intel = new GatewayConfig.Intel();
    }
    c.intel.config = orEmpty(c.intel.config);
    if (c.limits.accounts == null) {
      c.limits.accounts = new java.util.LinkedHashMap<>();
    }
  }

  private static String orEmpty(@org.jspecify.annotations.Nullable String s) {
    return s == null ? "" : s;
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
    java.util.Map<String, GatewayConfig.Limit> limits = new java.util.LinkedHashMap<>();
    limits.put("limits.key", c.limits.key);
    limits.put("limits.account", c.limits.account);
    limits.put("limits.org", c.limits.org);
    limits.put("limits.ip", c.limits.ip);
    limits.put("limits.throttled", c.limits.throttled);
    c.limits.accounts.forEach((account, l) -> limits.put("limits.accounts." + account, l));
    for (var e : limits.entrySet()) {
      GatewayConfig.Limit l = e.getValue();
      String problem =
          org.distillguard.gateway.limits.LimitSpec.problem(
              (long) l.rpm, l.tpm, (long) l.concurrency);
      if (problem != null) {
        throw new ConfigException(e.getKey() + ": " + problem);
      }
    }
    c.limits.shared.validate();
    if (c.detector.queueCapacity < 16) {
      throw new ConfigException("detector.queue_capacity must be at least 16");
    }
    c.intel.validate(c.baseDir);
    String kafkaProblem = c.kafka.problem();
    if (kafkaProblem != null) {
      throw new ConfigException(kafkaProblem);
    }
    validateMarking(c.marking);
  }

  private static final Set<String> MARKING_MODES =
      Set.of("off", "suspects", "flagged", "campaigns", "all");
  private static final Set<String> UPSTREAM_WATERMARKS =
      Set.of("none", "vllm", "sglang", "tensorrt-llm");

  private static void validateMarking(GatewayConfig.Marking m) throws ConfigException {
    if (!MARKING_MODES.contains(m.mode)) {
      throw new ConfigException(
          "marking.mode must be one of off, suspects, flagged, campaigns, all; not '"
              + m.mode
              + "'");
    }
    if (!UPSTREAM_WATERMARKS.contains(m.upstreamWatermark)) {
      throw new ConfigException(
          "marking.upstream_watermark must be one of vllm, sglang, tensorrt-llm, none; not '"
              + m.upstreamWatermark
              + "'");
    }
    if (!m.suspectVerdict.equals("suspicious") && !m.suspectVerdict.equals("distillation")) {
      throw new ConfigException(
          "marking.suspect_verdict must be suspicious or distillation, not '"
              + m.suspectVerdict
              + "'");
    }
    if (m.mode.equals("off")) {
      return;
    }
    if (m.masterKey.isEmpty() == m.masterKeyFile.isEmpty()) {
      throw new ConfigException(
          "marking: set exactly one of master_key (64 hex characters, e.g. ${DG_MARK_KEY}) and"
              + " master_key_file while marking.mode is "
              + m.mode);
    }
    if (!m.masterKey.isEmpty() && !m.masterKey.strip().matches("[0-9a-fA-F]{64}")) {
      throw new ConfigException("marking.master_key must be 64 hex characters (32 bytes)");
    }
    if (m.member.isBlank()) {
      throw new ConfigException("marking.member must not be empty");
    }
    if (m.mode.equals("campaigns") && m.campaigns.isEmpty()) {
      throw new ConfigException(
          "marking.mode campaigns needs at least one entry in marking.campaigns");
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
