package org.distillguard.mark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Answer-like English for the coverage figures: the paragraphs of <i>The Debian Administrator's
 * Handbook</i> (Debian package {@code debian-handbook}, GPL-2+ or CC BY-SA 3.0), explanatory prose
 * of the kind an assistant writes when it answers a technical question. The prompt sets of {@link
 * Corpus} are questions and instructions, not answers. Read from the installed package, never
 * copied into the tree; absent unless {@code apt-get install debian-handbook}.
 */
public final class Prose {
  /** Where the package installs the English HTML. */
  public static final Path HANDBOOK = Path.of("/usr/share/doc/debian-handbook/html/en-US");

  private static final Pattern PRE = Pattern.compile("<pre.*?</pre>", Pattern.DOTALL);
  private static final Pattern PARA =
      Pattern.compile("<div class=\"para\">(.*?)</div>", Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<[^>]+>");

  private Prose() {}

  /** The handbook folder, or null when the package is not installed. */
  public static @Nullable Path handbook() {
    return Files.isDirectory(HANDBOOK) ? HANDBOOK : null;
  }

  /** Paragraphs of at least {@code minWords} words (code listings left out), in file order. */
  public static List<String> paragraphs(Path folder, int minWords) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".html")).sorted().toList()) {
        String html = PRE.matcher(Files.readString(f, StandardCharsets.UTF_8)).replaceAll("");
        Matcher m = PARA.matcher(html);
        while (m.find()) {
          String text = unescape(TAG.matcher(m.group(1)).replaceAll("")).replaceAll("\\s+", " ");
          text = text.strip();
          if (text.split(" ").length >= minWords) {
            out.add(text);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
  }
}
