package io.appspark.benchmarks.autoscaler;

import java.util.List;

/** Percentiles by nearest rank. */
final class Stats {
  private Stats() {}

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
