package org.distillguard.gateway.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything {@code distillguard serve} reads from {@code distillguard.yaml}. Every field has a
 * safe default, so an empty file with one upstream is a working configuration; see {@code
 * docs/GATEWAY.md} for the reference. Load with {@link ConfigLoader}.
 *
 * <p>Plain beans with public fields rather than records: Jackson fills what the file sets and the
 * initialisers below stay the defaults.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class GatewayConfig {
  /** The public listener that clients call. */
  public Listen listen = new Listen("0.0.0.0", 8080);

  /** The admin API, /metrics and health checks; keep it on a private interface. */
  public Admin admin = new Admin();

  public Auth auth = new Auth();

  /** Where requests go; at least one. */
  public List<Upstream> upstreams = new ArrayList<>();

  public Timeouts timeouts = new Timeouts();

  /** Largest request body accepted, in bytes; larger ones get 413. */
  @JsonProperty("max_request_bytes")
  public int maxRequestBytes = 4 * 1024 * 1024;

  /**
   * Header that carries the client address when the gateway sits behind a load balancer (e.g.
   * {@code X-Forwarded-For}); its left-most entry is used. Empty: the socket's peer address.
   */
  @JsonProperty("client_ip_header")
  public String clientIpHeader = "";

  public Store store = new Store();
  public Limits limits = new Limits();
  public Policy policy = new Policy();
  public Detector detector = new Detector();
  public Journal journal = new Journal();

  /** Watermarks and canaries in the answers served to suspects (docs/WATERMARK.md). */
  public Marking marking = new Marking();

  /** Exchanges to Kafka, decisions from Kafka (docs/SCALE-OUT.md); off unless configured. */
  public org.distillguard.gateway.kafka.KafkaConfig kafka =
      new org.distillguard.gateway.kafka.KafkaConfig();

  /** Indicators imported from the consortium (docs/INTEL.md); off while {@code config} is empty. */
  public Intel intel = new Intel();

  /** Seconds that a graceful shutdown waits for in-flight requests and streams to finish. */
  @JsonProperty("shutdown_grace_seconds")
  public int shutdownGraceSeconds = 30;

  /** One structured log line per request (logfmt, logger {@code distillguard.access}). */
  @JsonProperty("access_log")
  public boolean accessLog = false;

  /** Event-loop threads; 0 means one per core. */
  @JsonProperty("event_loops")
  public int eventLoops = 0;

  /**
   * Use Netty's epoll transport where it is available (Linux on x86-64 and ARM64): fewer system
   * calls and copies per request than the JDK's NIO, which is used otherwise.
   */
  @JsonProperty("native_transport")
  public boolean nativeTransport = true;

  /** Directory that relative paths in this file are resolved against (not a YAML field). */
  @com.fasterxml.jackson.annotation.JsonIgnore public Path baseDir = Path.of(".");

  /** A host and port to listen on. */
  public static final class Listen {
    public String host;
    public int port;

    public Listen() {
      this("0.0.0.0", 8080);
    }

    public Listen(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }

  /** The admin listener. */
  public static final class Admin {
    public String host = "127.0.0.1";

    /** 0 picks a free port (tests); -1 disables the admin listener. */
    public int port = 8081;

    /**
     * Bearer token for /admin/v1/*. Required when the admin listener is on; put it in the
     * environment: {@code token: ${DISTILLGUARD_ADMIN_TOKEN}}.
     */
    public String token = "";
  }

  /** How clients are identified. */
  public static final class Auth {
    /**
     * {@code issued}: clients present keys that DistillGuard issued ({@code distillguard keys
     * create}); the upstream credential comes from this file. {@code passthrough}: clients present
     * their own upstream keys, which are forwarded; the account is a hash of the key unless the key
     * was registered with {@code keys register}.
     */
    public String mode = "issued";
  }

  /** One upstream API. */
  public static final class Upstream {
    public String name = "";

    /** {@code openai} or {@code anthropic}: which wire format this upstream speaks. */
    public String api = "openai";

    /** Base URL; request paths such as {@code /v1/chat/completions} are appended. */
    public String url = "";

    /** The upstream credential (issued mode). */
    @JsonProperty("api_key")
    public String apiKey = "";

    /** Model name patterns ({@code *} wildcard) this upstream serves; empty: any model. */
    public List<String> models = new ArrayList<>();

    /**
     * PEM file of the certificate authorities to trust for this upstream (a private upstream with
     * its own CA); empty: the JDK's default trust store. Certificates and host names are always
     * verified.
     */
    @JsonProperty("ca_file")
    public String caFile = "";

    /** Connections kept per upstream. */
    @JsonProperty("max_connections")
    public int maxConnections = 256;
  }

  /** Upstream timeouts in milliseconds. */
  public static final class Timeouts {
    @JsonProperty("connect_ms")
    public long connectMs = 5_000;

    /** Until the upstream's response headers arrive; then 504. */
    @JsonProperty("first_byte_ms")
    public long firstByteMs = 120_000;

    /** Longest silence in the middle of a response (a stalled stream is cut). */
    @JsonProperty("idle_ms")
    public long idleMs = 120_000;
  }

  /** The database. */
  public static final class Store {
    /**
     * JDBC URL. Default: an SQLite file {@code distillguard.db} next to the config file. For
     * PostgreSQL: {@code jdbc:postgresql://host:5432/distillguard}.
     */
    public String url = "";

    public String user = "";
    public String password = "";

    /** How often the gateway rereads keys, accounts and lists changed by the CLI. */
    @JsonProperty("refresh_seconds")
    public int refreshSeconds = 5;
  }

  /** Limits of one scope; 0 means unlimited. */
  public static final class Limit {
    public int rpm;
    public long tpm;
    public int concurrency;

    public Limit() {}

    public Limit(int rpm, long tpm, int concurrency) {
      this.rpm = rpm;
      this.tpm = tpm;
      this.concurrency = concurrency;
    }
  }

  /** Default limits per scope, and the tighter limits of a throttled account. */
  public static final class Limits {
    public Limit key = new Limit(600, 2_000_000, 32);
    public Limit account = new Limit(1_200, 4_000_000, 64);
    public Limit org = new Limit(0, 0, 0);
    public Limit ip = new Limit(1_200, 0, 64);
    public Limit throttled = new Limit(10, 20_000, 2);

    /** Per-account overrides in the file (the store's account limits take precedence). */
    public Map<String, Limit> accounts = new LinkedHashMap<>();

    @JsonProperty("ip_prefix_v4")
    public int ipPrefixV4 = 24;

    @JsonProperty("ip_prefix_v6")
    public int ipPrefixV6 = 48;

    /** Tokenizer vocabulary for estimates: {@code o200k_base} or {@code cl100k_base}. */
    public String tokenizer = "o200k_base";

    /** Requests and tokens per minute shared with other gateways (off: each counts alone). */
    public SharedLimits shared = new SharedLimits();
  }

  /**
   * Where several gateways keep their common requests- and tokens-per-minute buckets; concurrency
   * stays per gateway. See docs/GATEWAY.md, "Shared limits".
   */
  public static final class SharedLimits {
    /** {@code none} (each gateway counts alone) or {@code redis}. */
    public String backend = "none";

    /** {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS. */
    public String uri = "redis://127.0.0.1:6379";

    /** How long a request waits for the shared buckets before it is decided locally. */
    @JsonProperty("timeout_ms")
    public long timeoutMs = 50;

    /**
     * The longest a connection attempt may take. Generous: the first one also loads the client's
     * classes, which takes seconds on a busy machine.
     */
    @JsonProperty("connect_timeout_ms")
    public long connectTimeoutMs = 5_000;

    /** How often the gateway checks the store and reconnects when it is away. */
    @JsonProperty("probe_ms")
    public long probeMs = 1_000;

    /**
     * While the store is away each gateway allows this share of a limit: rpm and tpm divided by the
     * number of gateways expected to serve the same clients.
     */
    @JsonProperty("expected_instances")
    public int expectedInstances = 1;

    /** Prefix of the store's keys, to share one Redis between deployments. */
    @JsonProperty("key_prefix")
    public String keyPrefix = "distillguard:limits:";

    /** Throws with the offending setting when these make no sense. */
    @SuppressWarnings("NullAway") // an empty YAML value reads as null
    public void validate() throws ConfigException {
      if (!"none".equals(backend) && !"redis".equals(backend)) {
        throw new ConfigException(
            "limits.shared.backend must be none or redis, not '" + backend + "'");
      }
      if ("none".equals(backend)) {
        return;
      }
      String scheme = "";
      String host = null;
      try {
        java.net.URI u = java.net.URI.create(uri == null ? "" : uri.trim());
        scheme = u.getScheme() == null ? "" : u.getScheme();
        host = u.getHost();
      } catch (IllegalArgumentException e) {
        // reported below
      }
      if (!(scheme.equals("redis") || scheme.equals("rediss")) || host == null) {
        throw new ConfigException(
            "limits.shared.uri must look like redis://host:6379 (or rediss:// for TLS), not '"
                + uri
                + "'");
      }
      if (timeoutMs < 1 || timeoutMs > 60_000) {
        throw new ConfigException("limits.shared.timeout_ms must be 1..60000");
      }
      if (connectTimeoutMs < 1 || connectTimeoutMs > 60_000) {
        throw new ConfigException("limits.shared.connect_timeout_ms must be 1..60000");
      }
      if (probeMs < 10 || probeMs > 600_000) {
        throw new ConfigException("limits.shared.probe_ms must be 10..600000");
      }
      if (expectedInstances < 1) {
        throw new ConfigException("limits.shared.expected_instances must be at least 1");
      }
      if (keyPrefix == null) {
        keyPrefix = "";
      }
    }
  }

  /** What each finding leads to. Actions: allow, throttle, degrade, block. */
  public static final class Policy {
    public String suspicious = "throttle";
    public String distillation = "block";

    /** An account linked to a campaign (from the detector's campaign linking). */
    public String campaign = "degrade";

    @JsonProperty("campaign_confirmed")
    public String campaignConfirmed = "block";

    public Degrade degrade = new Degrade();

    /** Named in refusals so a customer knows whom to quote the reference to. */
    @JsonProperty("support_contact")
    public String supportContact = "support";
  }

  /** What degrading does. */
  public static final class Degrade {
    @JsonProperty("max_tokens")
    public int maxTokens = 512;

    @JsonProperty("refuse_n")
    public boolean refuseN = true;

    @JsonProperty("refuse_logprobs")
    public boolean refuseLogprobs = true;

    @JsonProperty("strip_reasoning")
    public boolean stripReasoning = true;
  }

  /** The inline detector. */
  public static final class Detector {
    public boolean enabled = true;

    /** Exchanges waiting for the detector; when full, new ones are counted and dropped. */
    @JsonProperty("queue_capacity")
    public int queueCapacity = 65_536;

    /** Overrides of the detector's thresholds; absent: the shipped defaults. */
    @JsonProperty("suspicious_at")
    public @Nullable Double suspiciousAt;

    @JsonProperty("distillation_at")
    public @Nullable Double distillationAt;

    @JsonProperty("min_requests")
    public @Nullable Integer minRequests;

    /**
     * Link accounts into campaigns (shared payment, email domain, address prefixes, client, system
     * prompt, templates, creation bursts): a confirmed campaign's members are flagged on its
     * evidence, and campaign membership reaches the policy.
     */
    public boolean linking = true;

    /** Replay the journal at start so the detector's per-account state survives restarts. */
    @JsonProperty("replay_journal")
    public boolean replayJournal = true;

    /** Only journal files written in the last this many days are replayed (bounds start time). */
    @JsonProperty("replay_days")
    public int replayDays = 14;
  }

  /** The exchange journal. */
  public static final class Journal {
    public boolean enabled = true;

    /** Directory, relative to the config file. */
    public String dir = "journal";

    /** false: message contents and outputs are written as empty strings. */
    @JsonProperty("keep_prompts")
    public boolean keepPrompts = true;

    /** Keep answer text in the journal's {@code output} field (up to 64 KiB per exchange). */
    @JsonProperty("keep_output")
    public boolean keepOutput = false;

    /** Rotate when the current file exceeds this many megabytes; rotated files are gzipped. */
    @JsonProperty("rotate_mb")
    public int rotateMb = 256;
  }

  /** Who gets marked answers, with which key, and the inference server's own watermark switch. */
  public static final class Marking {
    /**
     * {@code off}; {@code suspects} (accounts with a verdict of at least {@link #suspectVerdict}
     * and members of linked campaigns); {@code flagged} (the same accounts, each with its own key,
     * campaigns ignored); {@code campaigns} (only members of the campaigns listed in {@link
     * #campaigns}); {@code all} (everyone: suspects with their specific key, the rest with the
     * member key). Accounts listed in {@link #accounts} are marked in every mode but off.
     */
    public String mode = "off";

    /** The master key, 64 hex characters; put it in the environment ({@code ${DG_MARK_KEY}}). */
    @JsonProperty("master_key")
    public String masterKey = "";

    /** Or a file holding it (relative to the config file). */
    @JsonProperty("master_key_file")
    public String masterKeyFile = "";

    /** The member id whose key marks everyone else in mode {@code all}. */
    public String member = "default";

    /** Campaigns marked in mode {@code campaigns}. */
    public List<String> campaigns = new ArrayList<>();

    /** Accounts always marked with their own key (flagged by hand). */
    public List<String> accounts = new ArrayList<>();

    /** The least verdict that makes an account a suspect: suspicious or distillation. */
    @JsonProperty("suspect_verdict")
    public String suspectVerdict = "suspicious";

    /** Serve canaries to suspects for prompts that ask for an invented example value. */
    public boolean canaries = true;

    /**
     * Force the inference server's own token-level watermark on for marked accounts and strip a
     * client's opt-out: {@code vllm}, {@code sglang}, {@code tensorrt-llm} (engine-wide only:
     * nothing to force per request) or {@code none}.
     */
    @JsonProperty("upstream_watermark")
    public String upstreamWatermark = "none";
  }

  /**
   * Intelligence sharing in the gateway: the member's {@code distillguard intel} configuration
   * (peers to poll over TAXII, pinned keys, import policy), how often to poll, and whether to serve
   * the member's own TAXII collection (where the gateway's sightings are published) in-process.
   */
  public static final class Intel {
    /** The member's intelligence configuration file (JSON, docs/INTEL.md); empty: intel off. */
    public String config = "";

    /** How often the peers are polled and a new indicator snapshot swapped in. */
    @JsonProperty("poll_interval_ms")
    public long pollIntervalMs = 1_000;

    /**
     * Run the member's TAXII 2.1 server (the {@code server} of its intel configuration) inside the
     * gateway. Off: the gateway posts its sightings to that server, run by {@code distillguard
     * intel serve --poll-interval 0}.
     */
    public boolean serve = true;

    /** How often matches are published back as STIX sightings; 0: never. */
    @JsonProperty("sightings_interval_ms")
    public long sightingsIntervalMs = 10_000;

    /** Compare request prompts with campaigns' keyed template sketches. */
    public boolean templates = true;

    public boolean enabled() {
      return !config.isEmpty();
    }

    /** Checks the values and that the intel configuration file reads. */
    public void validate(Path baseDir) throws ConfigException {
      if (!enabled()) {
        return;
      }
      if (pollIntervalMs < 50) {
        throw new ConfigException("intel.poll_interval_ms must be at least 50");
      }
      if (sightingsIntervalMs < 0) {
        throw new ConfigException("intel.sightings_interval_ms must be 0 (never) or more");
      }
      try {
        org.distillguard.intel.IntelConfig.read(file(baseDir));
      } catch (org.distillguard.intel.IntelConfig.ConfigException e) {
        throw new ConfigException("intel.config: " + e.getMessage());
      }
    }

    /** The intel configuration file, resolved against the gateway configuration's directory. */
    public Path file(Path baseDir) {
      Path p = Path.of(config);
      return p.isAbsolute() ? p : baseDir.resolve(p);
    }
  }
}
