package org.distillguard.gateway.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.distillguard.gateway.store.ListEntry;
import org.jspecify.annotations.Nullable;

/**
 * The manual allow and deny lists as an immutable lookup structure. A deny anywhere (account, key,
 * org or a range containing the client address) wins over an allow.
 */
public final class AccessLists {
  public static final AccessLists EMPTY = new AccessLists(List.of());

  private final Map<String, ListEntry> exact = new HashMap<>();
  private final List<Map.Entry<Cidr, ListEntry>> ranges = new ArrayList<>();
  private final int size;

  public AccessLists(List<ListEntry> entries) {
    for (ListEntry e : entries) {
      if (e.kind() == ListEntry.Kind.IP) {
        try {
          ranges.add(Map.entry(Cidr.parse(e.subject()), e));
        } catch (IllegalArgumentException ignored) {
          // validated on entry; a row edited by hand into nonsense matches nothing
        }
      } else {
        exact.put(e.kind().id() + ':' + e.subject(), e);
      }
    }
    size = entries.size();
  }

  public int size() {
    return size;
  }

  /** The entry that decides, deny first; null when none applies. */
  public @Nullable ListEntry match(
      String account, String keyId, @Nullable String org, byte @Nullable [] ip) {
    if (size == 0) {
      return null;
    }
    ListEntry allow = null;
    ListEntry[] found = {
      exact.get("account:" + account),
      exact.get("key:" + keyId),
      org == null ? null : exact.get("org:" + org)
    };
    for (ListEntry e : found) {
      if (e != null) {
        if (e.list() == ListEntry.ListType.DENY) {
          return e;
        }
        allow = e;
      }
    }
    if (ip != null) {
      for (Map.Entry<Cidr, ListEntry> r : ranges) {
        if (r.getKey().contains(ip)) {
          if (r.getValue().list() == ListEntry.ListType.DENY) {
            return r.getValue();
          }
          allow = r.getValue();
        }
      }
    }
    return allow;
  }
}
