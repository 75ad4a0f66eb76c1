package io.appspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Synthetic customers, generated in parallel on the executors. Churn follows a known logistic rule
 * plus noise, so a model can learn it and its AUC is a meaningful check.
 */
final class CustomerData {
  private static final String[] REGIONS = {"north", "south", "east", "west", "central"};
  private static final String[] PLANS = {"basic", "plus", "premium"};

  private CustomerData() {}

  static Dataset<Row> generate(SparkSession spark, long customers, long seed) {
    int partitions = Math.max(4, (int) Math.min(64, customers / 25_000));
    Dataset<Row> base =
        spark
            .range(0, customers, 1, partitions)
            .withColumn("region", pick(REGIONS, seed))
            .withColumn("plan", pick(PLANS, seed + 1))
            .withColumn("tenure_months", floor(rand(seed + 2).multiply(72)))
            .withColumn(
                "support_tickets", floor(rand(seed + 3).multiply(rand(seed + 4)).multiply(12)))
            .withColumn("days_since_order", floor(rand(seed + 5).multiply(180)))
            .withColumn(
                "yearly_spend",
                round(
                    planPrice()
                        .multiply(lit(1).plus(col("tenure_months").divide(48)))
                        .plus(randn(seed + 6).multiply(40)),
                    2));
    Column logit =
        lit(-1.2)
            .minus(col("tenure_months").divide(24))
            .plus(col("support_tickets").multiply(0.45))
            .plus(col("days_since_order").divide(45))
            .minus(when(col("plan").equalTo("premium"), 0.8).otherwise(0.0))
            .plus(randn(seed + 7).multiply(0.5));
    Column churnProbability = lit(1).divide(lit(1).plus(exp(logit.multiply(-1))));
    return base.withColumn("churned", rand(seed + 8).lt(churnProbability))
        .withColumn("label", col("churned").cast("double"));
  }

  private static Column pick(String[] values, long seed) {
    Column[] literals = new Column[values.length];
    for (int i = 0; i < values.length; i++) {
      literals[i] = lit(values[i]);
    }
    Column index = floor(rand(seed).multiply(values.length)).plus(1).cast("int");
    return element_at(functions.array(literals), index);
  }

  private static Column planPrice() {
    return when(col("plan").equalTo("premium"), 900.0)
        .when(col("plan").equalTo("plus"), 450.0)
        .otherwise(180.0);
  }
}
