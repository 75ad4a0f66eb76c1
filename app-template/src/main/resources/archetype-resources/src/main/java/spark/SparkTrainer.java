package ${package}.spark;

import ${package}.model.Event;
import ${package}.model.Model;
import ${package}.model.Trainer;
import java.util.List;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Trains a logistic-regression model with MLlib: the events become a distributed data set and
 * the fitting runs as Spark jobs on the cluster's executors. The fitted model is small and comes
 * back to the driver, which predicts with it locally.
 */
public final class SparkTrainer implements Trainer {
  private static final StructType SCHEMA =
      new StructType()
          .add("label", DataTypes.DoubleType, false)
          .add("features", SQLDataTypes.VectorType(), false);

  private final SparkSession spark;

  public SparkTrainer(SparkSession spark) {
    this.spark = spark;
  }

  @Override
  public Model train(List<Event> events) {
    List<Row> rows =
        events.stream()
            .map(e -> RowFactory.create(e.label(), Vectors.dense(e.features())))
            .toList();
    spark.sparkContext().setJobGroup("train", "train on " + events.size() + " events", false);
    Dataset<Row> data = spark.createDataFrame(rows, SCHEMA).repartition(2).cache();
    try {
      LogisticRegressionModel fitted =
          new LogisticRegression().setMaxIter(100).setRegParam(0.01).fit(data);
      double accuracy =
          new MulticlassClassificationEvaluator()
              .setMetricName("accuracy")
              .evaluate(fitted.transform(data));
      return new LogisticModel(fitted, accuracy);
    } finally {
      data.unpersist();
      spark.sparkContext().clearJobGroup();
    }
  }

  private record LogisticModel(LogisticRegressionModel fitted, double trainingAccuracy)
      implements Model {
    @Override
    public int dimension() {
      return fitted.numFeatures();
    }

    @Override
    public Prediction predict(double[] features) {
      var vector = Vectors.dense(features);
      return new Prediction(
          (int) fitted.predict(vector), fitted.predictProbability(vector).apply(1));
    }
  }
}
