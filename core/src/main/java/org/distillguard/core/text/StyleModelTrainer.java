package org.distillguard.core.text;

/**
 * Trains a {@link StyleModel} from labelled prompts: multinomial naive Bayes with add-one
 * smoothing, then log-odds clipped to ±3 so that no single word decides a prompt.
 */
public final class StyleModelTrainer {
  private final double[] distill = new double[StyleModel.SIZE];
  private final double[] organic = new double[StyleModel.SIZE];
  private long distillDocs;
  private long organicDocs;

  /** Adds one prompt with its class. */
  public void add(String prompt, boolean isDistill) {
    double[] target = isDistill ? distill : organic;
    StyleModel.features(prompt, b -> target[b] += 1);
    if (isDistill) {
      distillDocs++;
    } else {
      organicDocs++;
    }
  }

  public long documents() {
    return distillDocs + organicDocs;
  }

  /** The trained model; classes are balanced (equal prior) whatever their sizes. */
  public StyleModel build() {
    double dTotal = 0;
    double oTotal = 0;
    for (int i = 0; i < StyleModel.SIZE; i++) {
      dTotal += distill[i];
      oTotal += organic[i];
    }
    float[] w = new float[StyleModel.SIZE];
    for (int i = 0; i < StyleModel.SIZE; i++) {
      double pd = (distill[i] + 1) / (dTotal + StyleModel.SIZE);
      double po = (organic[i] + 1) / (oTotal + StyleModel.SIZE);
      w[i] = (float) Math.max(-3, Math.min(3, Math.log(pd / po)));
    }
    return new StyleModel(w, 0f);
  }
}
