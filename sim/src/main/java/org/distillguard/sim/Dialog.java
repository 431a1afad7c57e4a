package org.distillguard.sim;

import java.util.ArrayList;
import java.util.List;
import org.distillguard.core.event.Message;
import org.jspecify.annotations.Nullable;

/**
 * Builds the {@code messages} of a request: the system prompt, the earlier user turns with stand-in
 * assistant answers, and the current user turn.
 *
 * <p>The log carries no real answers (the simulator has no model), but a multi-turn client resends
 * the whole history, so requests grow with the conversation. The stand-in answer is derived from
 * the user turn it answers (not from a random draw), so turn k+1 resends exactly the history turn k
 * saw, as a real client would.
 */
final class Dialog {
  private Dialog() {}

  private static final String[] OPENINGS = {
    "Sure! Here is an overview of ",
    "Good question. Let me explain ",
    "Here is what I can tell you about ",
    "Certainly. Below is a short answer on ",
  };

  private static final String[] BODY = {
    "There are a few parts to this, and the most important one comes first.",
    "In short, it depends on the context, but the common case is straightforward.",
    "Here are the main points, with an example for each of them.",
    "I will go through it step by step so that each part is clear.",
    "Let me know if you want more detail on any of these points.",
  };

  /** Messages for user turn {@code k} (0-based) of a conversation. */
  static List<Message> turn(@Nullable String system, List<String> userTurns, int k) {
    List<Message> ms = new ArrayList<>(2 * k + 2);
    if (system != null) {
      ms.add(new Message(Message.SYSTEM, system));
    }
    for (int i = 0; i < k; i++) {
      ms.add(new Message(Message.USER, userTurns.get(i)));
      ms.add(new Message(Message.ASSISTANT, standInAnswer(userTurns.get(i))));
    }
    ms.add(new Message(Message.USER, userTurns.get(k)));
    return ms;
  }

  static List<Message> single(@Nullable String system, String prompt) {
    return system == null
        ? List.of(new Message(Message.USER, prompt))
        : List.of(new Message(Message.SYSTEM, system), new Message(Message.USER, prompt));
  }

  static String standInAnswer(String question) {
    int h = question.hashCode() & 0x7fffffff;
    StringBuilder sb = new StringBuilder(OPENINGS[h % OPENINGS.length]);
    sb.append('"').append(snippet(question, 60)).append("\". ");
    int n = 2 + (h >>> 8) % 4;
    for (int i = 0; i < n; i++) {
      sb.append(BODY[(h >>> (12 + i)) % BODY.length]).append(' ');
    }
    return sb.toString().trim();
  }

  static String snippet(String s, int max) {
    String one = s.replace('\n', ' ').strip();
    return one.length() <= max ? one : one.substring(0, max).strip() + "...";
  }

  /** Plausible follow-ups a person types after an answer. */
  static final String[] PERSON_FOLLOW_UPS = {
    "thanks! can you make it shorter?",
    "Can you give me an example?",
    "why?",
    "ok, and what about the downsides?",
    "can you explain that more simply",
    "Could you put that in a table?",
    "that's not quite what I meant, I meant in everyday life",
    "great, thank you. one more thing: is that still true today?",
    "hmm are you sure?",
    "Can you rewrite it in a more formal tone?",
  };

  /** Follow-ups a developer types. */
  static final String[] DEV_FOLLOW_UPS = {
    "That throws a NullPointerException on the second call, can you fix it?",
    "Can you add unit tests for this?",
    "Refactor it to avoid the nested loops.",
    "What is the time complexity?",
    "now make it async",
    "It doesn't compile: cannot find symbol. Fix please",
    "Can you add type hints and docstrings?",
    "Use the standard library only, no dependencies.",
  };
}
