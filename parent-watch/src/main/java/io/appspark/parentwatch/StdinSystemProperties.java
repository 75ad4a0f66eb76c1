package io.appspark.parentwatch;

import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;

/**
 * Reads Java properties from standard input until it closes, sets them as system properties, then
 * runs a main class: {@code ... StdinSystemProperties MAIN_CLASS [ARGS...]}.
 *
 * <p>This is how secret Spark settings reach a driver: neither its command line (which any local
 * user can list) nor a file holds them; Spark reads {@code spark.*} system properties into every
 * {@code SparkConf}. The values are never printed.
 */
public final class StdinSystemProperties {
  private StdinSystemProperties() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: StdinSystemProperties MAIN_CLASS [ARGS...]");
    }
    Properties properties = new Properties();
    try (InputStreamReader in = new InputStreamReader(System.in, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the settings from standard input", e);
    }
    properties.stringPropertyNames().forEach(k -> System.setProperty(k, properties.getProperty(k)));
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
