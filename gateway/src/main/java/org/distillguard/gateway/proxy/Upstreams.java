package org.distillguard.gateway.proxy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.distillguard.gateway.config.GatewayConfig;
import org.distillguard.gateway.wire.Api;
import org.jspecify.annotations.Nullable;

/** The configured upstreams and the routing of a request to one of them by API and model. */
public final class Upstreams {
  /** One upstream, resolved. */
  public record Target(
      String name,
      Api api,
      String host,
      int port,
      boolean ssl,
      String basePath,
      String apiKey,
      List<Pattern> models,
      io.vertx.core.net.@Nullable ClientSSLOptions tls,
      io.vertx.core.net.SocketAddress server) {

    boolean serves(@Nullable String model) {
      if (models.isEmpty()) {
        return true;
      }
      if (model == null) {
        return false;
      }
      for (Pattern p : models) {
        if (p.matcher(model).matches()) {
          return true;
        }
      }
      return false;
    }
  }

  private final List<Target> targets = new ArrayList<>();

  public Upstreams(List<GatewayConfig.Upstream> config, java.nio.file.Path baseDir) {
    for (GatewayConfig.Upstream u : config) {
      URI uri = URI.create(u.url);
      boolean ssl = "https".equals(uri.getScheme().toLowerCase(Locale.ROOT));
      int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
      String base = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (base.endsWith("/")) {
        base = base.substring(0, base.length() - 1);
      }
      // Configured as https://api.openai.com/v1: don't double the /v1 the paths already have.
      if (base.endsWith("/v1")) {
        base = base.substring(0, base.length() - 3);
      }
      List<Pattern> ps = new ArrayList<>();
      for (String m : u.models) {
        ps.add(Pattern.compile(Pattern.quote(m).replace("*", "\\E.*\\Q")));
      }
      io.vertx.core.net.ClientSSLOptions tls = null;
      if (ssl && !u.caFile.isEmpty()) {
        String ca = u.caFile;
        java.nio.file.Path p = java.nio.file.Path.of(ca);
        if (!p.isAbsolute()) {
          p = baseDir.resolve(p);
        }
        tls =
            new io.vertx.core.net.ClientSSLOptions()
                .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(p.toString()))
                .setHostnameVerificationAlgorithm("HTTPS");
      }
      targets.add(
          new Target(
              u.name,
              Api.of(u.api),
              uri.getHost(),
              port,
              ssl,
              base,
              u.apiKey,
              List.copyOf(ps),
              tls,
              // made once: the client would otherwise build (and parse) it on every request
              io.vertx.core.net.SocketAddress.inetSocketAddress(port, uri.getHost())));
    }
  }

  /** The first upstream of {@code api} that serves {@code model}, or null. */
  public @Nullable Target route(Api api, @Nullable String model) {
    for (Target t : targets) {
      if (t.api() == api && t.serves(model)) {
        return t;
      }
    }
    return null;
  }

  public List<Target> all() {
    return List.copyOf(targets);
  }
}
