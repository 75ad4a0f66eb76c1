package io.appspark.launcher.spec;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes as users write them for Spark: {@code 512m}, {@code 2g}, {@code 1536M}. */
final class MemorySize {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,7})([mMgG])");

  private MemorySize() {}

  static Optional<Integer> parseMb(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    long mb = m.group(2).toLowerCase(Locale.ROOT).equals("g") ? amount * 1024 : amount;
    return mb > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) mb);
  }
}
