package org.distillguard.gateway.keys;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.gateway.store.Account;
import org.distillguard.gateway.store.ApiKey;
import org.jspecify.annotations.Nullable;

/**
 * The keys and accounts the proxy consults on every request, held in memory as an immutable
 * snapshot that a refresh swaps atomically: lookups never touch the database and never block.
 */
public final class Directory {
  private record Snapshot(Map<String, ApiKey> byHash, Map<String, Account> accounts) {}

  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());
  private final boolean passthrough;

  /**
   * @param passthrough unknown keys identify an account by their hash instead of being refused
   */
  public Directory(boolean passthrough) {
    this.passthrough = passthrough;
  }

  /** Replaces the snapshot with the store's current keys and accounts. */
  public void load(List<ApiKey> keys, List<Account> accounts) {
    Map<String, ApiKey> byHash = new HashMap<>(keys.size() * 2);
    for (ApiKey k : keys) {
      if (!k.revoked()) {
        byHash.put(k.secretSha256(), k);
      }
    }
    Map<String, Account> acc = new HashMap<>(accounts.size() * 2);
    for (Account a : accounts) {
      acc.put(a.id(), a);
    }
    snapshot = new Snapshot(Map.copyOf(byHash), Map.copyOf(acc));
  }

  /** The identity behind a presented key, or null when it is unknown or revoked. */
  public @Nullable Identity identify(String presentedKey) {
    String hash = KeyCodec.sha256Hex(presentedKey);
    Snapshot s = snapshot;
    ApiKey k = s.byHash.get(hash);
    if (k != null) {
      Account a = s.accounts.get(k.account());
      return new Identity(
          k.id(), k.account(), a == null ? null : a.org(), passthrough ? presentedKey : null);
    }
    if (passthrough) {
      String h = hash.substring(0, 16);
      return new Identity("pt-" + h, "pt-" + h, null, presentedKey);
    }
    return null;
  }

  public @Nullable Account account(String id) {
    return snapshot.accounts.get(id);
  }

  public int keyCount() {
    return snapshot.byHash.size();
  }
}
