package io.appspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;

import io.appspark.client.AppSpark;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The demo workload: a shop's customers, generated on the cluster, aggregated into a revenue
 * report, and a churn model trained and evaluated with MLlib.
 *
 * <p>Arguments: {@code [customers]} (default 200000). Prints a report; its last line is {@code
 * RESULT customers=N regions=R auc=A} for scripts.
 */
public final class CustomerChurnDemo {
  private static final long SEED = 42L;

  private CustomerChurnDemo() {}

  public static void main(String[] args) {
    long customers = args.length > 0 ? Long.parseLong(args[0]) : 200_000L;
    SparkSession spark = AppSpark.sessionBuilder("appspark-demo-customer-churn").getOrCreate();
    try {
      run(spark, customers);
    } finally {
      spark.stop();
    }
  }

  static void run(SparkSession spark, long customers) {
    Dataset<Row> data = CustomerData.generate(spark, customers, SEED).cache();
    System.out.printf(Locale.ROOT, "Generated %,d customers on the in-app cluster%n", data.count());

    Dataset<Row> byRegion =
        data.groupBy("region")
            .agg(
                count("*").alias("customers"),
                round(sum("yearly_spend"), 0).cast("long").alias("revenue"),
                round(expr("avg(cast(churned as double)) * 100"), 1).alias("churn_pct"))
            .orderBy(desc("revenue"));
    System.out.println("Revenue and churn by region:");
    byRegion.show(false);

    Dataset<Row>[] split = data.randomSplit(new double[] {0.8, 0.2}, SEED);
    PipelineModel model = churnPipeline().fit(split[0]);
    Dataset<Row> scored = model.transform(split[1]);
    double auc =
        new BinaryClassificationEvaluator()
            .setLabelCol("label")
            .setMetricName("areaUnderROC")
            .evaluate(scored);
    double accuracy =
        scored.filter(col("prediction").equalTo(col("label"))).count() / (double) scored.count();

    System.out.printf(
        Locale.ROOT,
        "Churn model (logistic regression, %,d training rows): AUC %.3f, accuracy %.3f%n",
        split[0].count(),
        auc,
        accuracy);
    System.out.printf(
        Locale.ROOT,
        "RESULT customers=%d regions=%d auc=%.4f%n",
        data.count(),
        byRegion.count(),
        auc);
  }

  private static Pipeline churnPipeline() {
    List<PipelineStage> stages =
        List.of(
            new StringIndexer().setInputCol("plan").setOutputCol("plan_idx"),
            new OneHotEncoder().setInputCol("plan_idx").setOutputCol("plan_vec"),
            new VectorAssembler()
                .setInputCols(
                    new String[] {
                      "tenure_months",
                      "yearly_spend",
                      "support_tickets",
                      "days_since_order",
                      "plan_vec"
                    })
                .setOutputCol("raw_features"),
            new StandardScaler().setInputCol("raw_features").setOutputCol("features"),
            new LogisticRegression().setMaxIter(50).setRegParam(0.01));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0]));
  }
}
