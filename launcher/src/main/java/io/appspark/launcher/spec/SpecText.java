package io.appspark.launcher.spec;

import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A spec file's bytes made text before {@link SpecReader} reads it: UTF-8, and small enough to fit
 * the ConfigMap that hands it to the autoscaler on Kubernetes. Failures name the file and say
 * where.
 */
public final class SpecText {
  /** The largest spec: a ConfigMap holds at most 1 MiB, and no real spec comes near it. */
  public static final int MAX_BYTES = 1024 * 1024;

  static final String FIELD = "(file)";

  private SpecText() {}

  /**
   * Reads a spec file, at most {@link #MAX_BYTES} and one more to tell it is too large.
   *
   * @throws IOException when the file cannot be read at all (missing, a directory, no permission)
   */
  public static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return decode(in.readNBytes(MAX_BYTES + 1), file.toString());
    }
  }

  /**
   * The text of a spec's bytes, or {@link InvalidSpecException} if they are too many or not UTF-8.
   */
  public static String decode(byte[] content, String source) {
    if (content.length > MAX_BYTES) {
      throw tooLarge(source);
    }
    if (startsWith(content, 0xFF, 0xFE) || startsWith(content, 0xFE, 0xFF)) {
      throw refused(source, "is UTF-16, not UTF-8: save it as UTF-8");
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(content);
    CharBuffer out = CharBuffer.allocate(content.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      throw refused(
          source,
          "is not UTF-8: the byte at offset "
              + offset
              + " (line "
              + lineOf(content, offset)
              + ") is not valid UTF-8; save the file as UTF-8");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  static InvalidSpecException tooLarge(String source) {
    return refused(
        source,
        "is too large: a spec may have at most "
            + MAX_BYTES
            + " bytes (1 MiB); a cluster spec is a few lines of YAML, so check that -f names it");
  }

  private static InvalidSpecException refused(String source, String message) {
    return new InvalidSpecException(source, List.of(new SpecProblem(FIELD, message)));
  }

  private static boolean startsWith(byte[] content, int first, int second) {
    return content.length >= 2 && (content[0] & 0xFF) == first && (content[1] & 0xFF) == second;
  }

  private static int lineOf(byte[] content, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (content[i] == '\n') {
        line++;
      }
    }
    return line;
  }
}
