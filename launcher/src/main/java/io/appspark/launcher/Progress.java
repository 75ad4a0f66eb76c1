package io.appspark.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Tells the user what a long operation is waiting for and how long it took. */
public interface Progress {
  void waiting(String what);

  void done(String what);

  static Progress silent() {
    return new Progress() {
      @Override
      public void waiting(String what) {}

      @Override
      public void done(String what) {}
    };
  }

  /** Lines like {@code [ 2.1s] master ready at http://127.0.0.1:41231}, from a start time. */
  static Progress console(PrintStream out) {
    long start = System.nanoTime();
    return new Progress() {
      @Override
      public void waiting(String what) {
        print("waiting for " + what + " ...");
      }

      @Override
      public void done(String what) {
        print(what);
      }

      private void print(String text) {
        double seconds = Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0;
        out.printf(Locale.ROOT, "[%5.1fs] %s%n", seconds, text);
        out.flush();
      }
    };
  }
}
