package io.appspark.benchmarks.autoscaler;

import java.util.List;
import java.util.Map;

/** A plain SVG line chart: one panel per run, lines for demand, workers and busy cores. */
final class SvgPlot {
  static final int WIDTH = 900;
  static final int PANEL = 220;
  static final Map<String, String> COLORS =
      Map.of("wanted executors", "#d62728", "worker processes", "#1f77b4", "busy cores", "#2ca02c");

  private SvgPlot() {}

  static String render(String title, Map<String, List<ClusterSampler.Sample>> runs) {
    StringBuilder svg = new StringBuilder();
    int height = 40 + runs.size() * (PANEL + 30) + 30;
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append("<text x=\"10\" y=\"20\" font-size=\"15\">")
        .append(escape(title))
        .append("</text>\n");
    int top = 40;
    for (Map.Entry<String, List<ClusterSampler.Sample>> run : runs.entrySet()) {
      panel(svg, run.getKey(), run.getValue(), top);
      top += PANEL + 30;
    }
    int x = 10;
    for (Map.Entry<String, String> c : COLORS.entrySet()) {
      svg.append("<rect x=\"")
          .append(x)
          .append("\" y=\"")
          .append(height - 18)
          .append("\" width=\"14\" height=\"4\" fill=\"")
          .append(c.getValue())
          .append("\"/>");
      svg.append("<text x=\"")
          .append(x + 18)
          .append("\" y=\"")
          .append(height - 12)
          .append("\">")
          .append(c.getKey())
          .append("</text>\n");
      x += 180;
    }
    return svg.append("</svg>\n").toString();
  }

  private static void panel(
      StringBuilder svg, String name, List<ClusterSampler.Sample> samples, int top) {
    svg.append("<text x=\"10\" y=\"")
        .append(top + 12)
        .append("\">")
        .append(escape(name))
        .append("</text>\n");
    if (samples.size() < 2) {
      return;
    }
    long t0 = samples.get(0).atMillis();
    long t1 = samples.get(samples.size() - 1).atMillis();
    int max =
        Math.max(
            1,
            samples.stream()
                .mapToInt(
                    s -> Math.max(s.processes(), Math.max(s.busyCores(), s.wantedExecutors())))
                .max()
                .orElse(1));
    int left = 40;
    int plotTop = top + 20;
    int plotHeight = PANEL - 30;
    svg.append("<rect x=\"")
        .append(left)
        .append("\" y=\"")
        .append(plotTop)
        .append("\" width=\"")
        .append(WIDTH - left - 10)
        .append("\" height=\"")
        .append(plotHeight)
        .append("\" fill=\"none\" stroke=\"#ccc\"/>\n");
    svg.append("<text x=\"10\" y=\"")
        .append(plotTop + 10)
        .append("\">")
        .append(max)
        .append("</text>");
    svg.append("<text x=\"10\" y=\"").append(plotTop + plotHeight).append("\">0</text>");
    svg.append("<text x=\"")
        .append(WIDTH - 120)
        .append("\" y=\"")
        .append(plotTop + plotHeight + 14)
        .append("\">")
        .append((t1 - t0) / 1000)
        .append(" s</text>\n");
    line(
        svg,
        samples,
        "wanted executors",
        s -> s.wantedExecutors(),
        t0,
        t1,
        max,
        left,
        plotTop,
        plotHeight);
    line(
        svg,
        samples,
        "worker processes",
        s -> s.processes(),
        t0,
        t1,
        max,
        left,
        plotTop,
        plotHeight);
    line(svg, samples, "busy cores", s -> s.busyCores(), t0, t1, max, left, plotTop, plotHeight);
  }

  private static void line(
      StringBuilder svg,
      List<ClusterSampler.Sample> samples,
      String key,
      java.util.function.ToIntFunction<ClusterSampler.Sample> value,
      long t0,
      long t1,
      int max,
      int left,
      int top,
      int height) {
    svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
        .append(COLORS.get(key))
        .append("\" points=\"");
    double width = WIDTH - left - 10;
    for (ClusterSampler.Sample s : samples) {
      double x = left + width * (s.atMillis() - t0) / Math.max(1, t1 - t0);
      double y = top + height - height * value.applyAsInt(s) / (double) max;
      svg.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    svg.append("\"/>\n");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;");
  }
}
