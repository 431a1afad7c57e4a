package org.distillguard.sim;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.distillguard.core.text.StyleModel;
import org.distillguard.core.text.StyleModelTrainer;

/**
 * Rebuilds core's shipped {@code style-model.bin} from the training split ({@link
 * PromptCorpus#TRAIN_SETS}, the one split definition the simulator uses too). Deterministic: the
 * same sets give the same bytes. Run from the repository root with {@code ../shared} beside it:
 *
 * <pre>
 * mvn -q -pl core,sim test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/classes:sim/target/classes:sim/target/test-classes:$(cat sim/target/cp.txt) \
 *   org.distillguard.sim.TrainStyleModel ../shared/data/prompts
 * </pre>
 */
public final class TrainStyleModel {
  /** Prompts taken from each set, so that no single large set dominates. */
  static final int PER_SET = 8000;

  private TrainStyleModel() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args.length > 0 ? args[0] : "../shared/data/prompts");
    Path out = Path.of("core/src/main/resources/org/distillguard/core/text/style-model.bin");
    try (OutputStream o = Files.newOutputStream(out)) {
      train(folder).write(o);
    }
    System.out.println("wrote " + out);
  }

  static StyleModel train(Path folder) throws SimulatorInputException {
    StyleModelTrainer t = new StyleModelTrainer();
    for (String set : new TreeSet<>(PromptCorpus.TRAIN_SETS)) {
      List<PromptCorpus.Prompt> prompts = PromptCorpus.readSet(folder, set);
      prompts
          .subList(0, Math.min(PER_SET, prompts.size()))
          .forEach(p -> t.add(p.text(), p.distill()));
    }
    return t.build();
  }
}
