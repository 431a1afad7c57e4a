package org.distillguard.gateway.store;

import org.jspecify.annotations.Nullable;

/**
 * An API key as stored: its id and the SHA-256 of its secret, never the secret.
 *
 * @param secretSha256 lower-case hex SHA-256 of the whole key string the client sends
 * @param revokedMillis when it was revoked, or null while it is valid
 */
public record ApiKey(
    String id,
    String secretSha256,
    String account,
    @Nullable String name,
    long createdMillis,
    @Nullable Long revokedMillis) {

  public boolean revoked() {
    return revokedMillis != null;
  }
}
