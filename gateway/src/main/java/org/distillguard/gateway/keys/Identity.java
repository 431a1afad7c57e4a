package org.distillguard.gateway.keys;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling: the key that authenticated the request and the account and org it bills.
 *
 * @param keyId the key's id (never its secret)
 * @param upstreamKey in pass-through mode, the client's own key to forward; otherwise null
 */
public record Identity(
    String keyId, String account, @Nullable String org, @Nullable String upstreamKey) {}
