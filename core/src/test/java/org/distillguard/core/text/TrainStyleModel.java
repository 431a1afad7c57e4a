package org.distillguard.core.text;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distillguard.core.testing.PromptSets;

/**
 * Rebuilds the shipped {@code style-model.bin} from the training split of the shared prompt sets.
 * Deterministic: the same sets give the same bytes. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/classes:core/target/test-classes:$(cat core/target/cp.txt) \
 *   org.distillguard.core.text.TrainStyleModel
 * </pre>
 */
public final class TrainStyleModel {
  /** Prompts taken from each set, so that no single large set dominates. */
  static final int PER_SET = 8000;

  private TrainStyleModel() {}

  public static void main(String[] args) throws Exception {
    Path folder = PromptSets.folder();
    if (folder == null) {
      System.err.println("prompt sets not found: run from the repository root beside ../shared");
      System.exit(2);
      return;
    }
    StyleModel model = train(folder);
    Path out = Path.of("core/src/main/resources/org/distillguard/core/text/style-model.bin");
    Files.createDirectories(out.getParent());
    try (OutputStream o = Files.newOutputStream(out)) {
      model.write(o);
    }
    System.out.println("wrote " + out);
  }

  static StyleModel train(Path folder) {
    StyleModelTrainer t = new StyleModelTrainer();
    for (String set : PromptSets.TRAIN_DISTILL) {
      PromptSets.prompts(folder, set, PER_SET).forEach(p -> t.add(p, true));
    }
    for (String set : PromptSets.TRAIN_ORGANIC) {
      PromptSets.prompts(folder, set, PER_SET).forEach(p -> t.add(p, false));
    }
    return t.build();
  }
}
