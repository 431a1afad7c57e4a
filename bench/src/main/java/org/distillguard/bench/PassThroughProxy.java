package org.distillguard.bench;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The framework's floor for the gateway: a Vert.x reverse proxy with the gateway's server and
 * client settings that does nothing but forward (read the body, send it on, copy the answer's
 * status, headers and body back). What DistillGuard adds per request is measured against it in
 * {@link GatewayLoad}, beside nginx.
 */
final class PassThroughProxy implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;

  private PassThroughProxy(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  static PassThroughProxy start(int upstreamPort, int loops) {
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
    HttpServer server =
        vertx
            .createHttpServer(
                new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
            .requestHandler(
                req ->
                    req.body()
                        .compose(
                            body -> {
                              MultiMap h = MultiMap.caseInsensitiveMultiMap();
                              h.set("content-type", "application/json");
                              h.set("authorization", req.getHeader("authorization"));
                              return client
                                  .request(
                                      new RequestOptions()
                                          .setMethod(HttpMethod.POST)
                                          .setHost("127.0.0.1")
                                          .setPort(upstreamPort)
                                          .setURI(req.uri())
                                          .setHeaders(h))
                                  .compose(u -> u.send(body))
                                  .compose(
                                      ur -> {
                                        req.response().setStatusCode(ur.statusCode());
                                        req.response()
                                            .headers()
                                            .set("content-type", ur.getHeader("content-type"));
                                        return ur.body();
                                      });
                            })
                        .onComplete(
                            r -> {
                              if (r.succeeded()) {
                                req.response().end(r.result());
                              } else {
                                req.response().setStatusCode(502).end();
                              }
                            }))
            .listen()
            .await();
    return new PassThroughProxy(vertx, server);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    Future<Void> f = vertx.close();
    f.await();
  }
}
