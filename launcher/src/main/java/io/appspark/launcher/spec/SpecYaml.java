package io.appspark.launcher.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.appspark.launcher.spec.InvalidSpecException.SpecProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A spec's text as one YAML document, refusing what YAML itself lets pass but is a mistake in a
 * spec: a key given twice (YAML keeps the last one, silently) and a second document after {@code
 * ---} (which would be ignored).
 */
final class SpecYaml {
  static final String FIELD = "(document)";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SpecYaml() {}

  /** The document's tree; empty when it holds nothing but blanks and comments. */
  static Optional<JsonNode> parse(String yaml, String source) {
    if (yaml.length() > SpecText.MAX_BYTES / 3
        && yaml.getBytes(StandardCharsets.UTF_8).length > SpecText.MAX_BYTES) {
      throw SpecText.tooLarge(source);
    }
    if (yaml.isBlank()) {
      return Optional.empty();
    }
    try {
      List<SpecProblem> problems = structureProblems(yaml);
      if (!problems.isEmpty()) {
        throw new InvalidSpecException(source, problems);
      }
      JsonNode node = YAML.readTree(yaml);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return Optional.empty();
      }
      return Optional.of(node);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new InvalidSpecException(
          source, List.of(new SpecProblem(FIELD, "is not valid YAML" + where + ": " + reason(e))));
    }
  }

  /**
   * The parser's reason without the snippet of the document it adds: that line may hold a value
   * that must not reach a terminal or a log (a password pasted into sparkConf).
   */
  private static String reason(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      Mark mark = marked.getProblemMark();
      return marked.getProblem() + (mark == null ? "" : " (column " + (mark.getColumn() + 1) + ")");
    }
    return e.getOriginalMessage();
  }

  /** Keys given twice in one mapping, and documents after the first, each with its line. */
  private static List<SpecProblem> structureProblems(String yaml) throws JsonProcessingException {
    List<SpecProblem> problems = new ArrayList<>();
    Deque<Map<String, Integer>> mappings = new ArrayDeque<>();
    int depth = 0;
    int documents = 0;
    try (JsonParser parser = YAML.createParser(yaml)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        int line = parser.currentTokenLocation().getLineNr();
        if (depth == 0 && ++documents == 2) {
          problems.add(
              new SpecProblem(
                  FIELD,
                  "a second YAML document starts at line "
                      + line
                      + ": a spec is one document, remove the '---' and what follows or merge it"));
        }
        switch (token) {
          case START_OBJECT -> {
            mappings.push(new HashMap<>());
            depth++;
          }
          case START_ARRAY -> depth++;
          case END_OBJECT -> {
            mappings.pop();
            depth--;
          }
          case END_ARRAY -> depth--;
          case FIELD_NAME -> {
            Integer first = mappings.peek().putIfAbsent(parser.currentName(), line);
            if (first != null) {
              problems.add(
                  new SpecProblem(
                      dottedPath(parser.getParsingContext()),
                      "is given twice, at lines "
                          + first
                          + " and "
                          + line
                          + " (YAML would keep only the last): keep one"));
            }
          }
          default -> {}
        }
      }
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string failed", e);
    }
    return problems;
  }

  /** The field's path as the spec's errors name fields: {@code kubernetes.worker.memory}. */
  private static String dottedPath(JsonStreamContext context) {
    LinkedList<String> parts = new LinkedList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.addFirst("[" + c.getCurrentIndex() + "]");
      } else {
        parts.addFirst("." + SpecReader.key(c.getCurrentName()));
      }
    }
    String path = String.join("", parts);
    return path.startsWith(".") ? path.substring(1) : path;
  }
}
