package org.distillguard.core.event;

import java.util.Objects;

/**
 * One turn of a request's conversation.
 *
 * @param role {@code system}, {@code user}, {@code assistant}, {@code tool} or whatever the client
 *     sent; kept verbatim
 * @param content the text of the turn; never null (absent content reads as the empty string)
 */
public record Message(String role, String content) {
  public static final String SYSTEM = "system";
  public static final String USER = "user";
  public static final String ASSISTANT = "assistant";

  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public boolean isUser() {
    return USER.equals(role);
  }

  public boolean isSystem() {
    return SYSTEM.equals(role) || "developer".equals(role);
  }
}
