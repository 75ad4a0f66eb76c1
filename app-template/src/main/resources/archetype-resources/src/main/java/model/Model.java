package ${package}.model;

/** A trained model, held in the service's memory: predicting asks no cluster. */
public interface Model {
  /** How many features an input must have. */
  int dimension();

  Prediction predict(double[] features);

  /** Accuracy on the events it was trained with. */
  double trainingAccuracy();

  /**
   * @param probability the probability of label 1
   */
  record Prediction(int label, double probability) {}
}
