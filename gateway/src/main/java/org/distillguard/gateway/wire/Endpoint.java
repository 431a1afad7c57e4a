package org.distillguard.gateway.wire;

import org.jspecify.annotations.Nullable;

/** The API operations the gateway forwards. */
public enum Endpoint {
  CHAT_COMPLETIONS("POST", "/v1/chat/completions", Api.OPENAI, "chat.completions"),
  COMPLETIONS("POST", "/v1/completions", Api.OPENAI, "completions"),
  RESPONSES("POST", "/v1/responses", Api.OPENAI, "responses"),
  EMBEDDINGS("POST", "/v1/embeddings", Api.OPENAI, "embeddings"),
  MESSAGES("POST", "/v1/messages", Api.ANTHROPIC, "messages"),
  MODELS("GET", "/v1/models", Api.OPENAI, "models");

  private final String method;
  private final String path;
  private final Api api;
  private final String id;

  Endpoint(String method, String path, Api api, String id) {
    this.method = method;
    this.path = path;
    this.api = api;
    this.id = id;
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The wire format of this endpoint (models: OpenAI unless the client is Anthropic's). */
  public Api api() {
    return api;
  }

  /** The Contract 1 {@code endpoint} value. */
  public String id() {
    return id;
  }

  /** Whether the exchange is journaled and fed to the detector. */
  public boolean observed() {
    return this != MODELS;
  }

  /** Whether the request has a JSON body. */
  public boolean hasBody() {
    return method.equals("POST");
  }

  /** The endpoint for a path (query string removed, trailing slash tolerated), or null. */
  public static @Nullable Endpoint forPath(String rawPath) {
    String p = rawPath;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (Endpoint e : values()) {
      if (e.path.equals(p)) {
        return e;
      }
    }
    return null;
  }

  /** The wire format to answer in for a path that matched no endpoint. */
  public static Api apiForUnknownPath(String path) {
    return path.startsWith("/v1/messages") || path.startsWith("/v1/complete")
        ? Api.ANTHROPIC
        : Api.OPENAI;
  }
}
