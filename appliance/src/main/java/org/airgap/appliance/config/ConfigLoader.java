package org.airgap.appliance.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the YAML config into {@link AirgapConfig} and reports every problem as {@code
 * FILE:LINE:COLUMN: KEY.PATH: message (hint: ...)} before anything binds a port.
 */
public final class ConfigLoader {

  /** The mapper for config records: kebab-case keys, strict about unknown keys and types. */
  public static ObjectMapper mapper() {
    return JsonMapper.builder(new YAMLFactory())
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  private ConfigLoader() {}

  /** The built-in dev defaults. */
  public static AirgapConfig defaults() {
    return parse("{}", "<defaults>");
  }

  public static AirgapConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(List.of(file + ": no such file"));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(text, file.toString());
  }

  public static AirgapConfig parse(String text, String fileName) {
    if (text.isBlank()) {
      text = "{}";
    }
    Map<String, JsonLocation> where;
    try {
      where = locations(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          List.of(at(fileName, e.getLocation()) + "not valid YAML: " + firstLine(e)));
    } catch (IOException e) {
      throw new ConfigException(List.of(fileName + ": " + e.getMessage()));
    }
    AirgapConfig config;
    try {
      config = mapper().readValue(text, AirgapConfig.class);
    } catch (JsonMappingException e) {
      throw new ConfigException(List.of(describe(fileName, e, where)));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          List.of(at(fileName, e.getLocation()) + "not valid YAML: " + firstLine(e)));
    }
    if (config == null) {
      config = defaults();
    }
    Problems problems = config.validate();
    if (!problems.isEmpty()) {
      throw new ConfigException(lines(fileName, where, problems));
    }
    return config;
  }

  /**
   * Problems found outside the loader (e.g. {@link ServiceAccess}) as the loader words its own:
   * file, line, column, key path, message and hint.
   */
  public static List<String> describe(String text, String fileName, Problems problems) {
    Map<String, JsonLocation> where;
    try {
      where = locations(text.isBlank() ? "{}" : text);
    } catch (IOException e) {
      where = Map.of();
    }
    return lines(fileName, where, problems);
  }

  private static List<String> lines(
      String fileName, Map<String, JsonLocation> where, Problems problems) {
    List<String> lines = new ArrayList<>();
    for (Problems.Problem p : problems.list()) {
      JsonLocation loc = nearest(where, p.path());
      lines.add(
          at(fileName, loc)
              + p.path()
              + ": "
              + p.message()
              + (p.hint().isEmpty() ? "" : " (hint: " + p.hint() + ")"));
    }
    return lines;
  }

  private static String describe(
      String fileName, JsonMappingException e, Map<String, JsonLocation> index) {
    String path = path(e.getPath());
    JsonLocation loc = index.get(path);
    String where = at(fileName, loc != null ? loc : e.getLocation());
    if (e instanceof UnrecognizedPropertyException u) {
      String key = path.isEmpty() ? u.getPropertyName() : path;
      return where + key + ": unknown key" + hint(u.getPropertyName(), u.getKnownPropertyIds());
    }
    if (e instanceof InvalidFormatException f) {
      return where
          + path
          + ": '"
          + f.getValue()
          + "' is not "
          + article(f.getTargetType().getSimpleName());
    }
    if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() != null ? v.getCause() : v;
      return where + path + ": " + cause.getMessage();
    }
    if (e instanceof MismatchedInputException m) {
      Class<?> target = m.getTargetType();
      String expected = target == null ? "another type" : article(typeName(target));
      return where + path + ": wrong type, expected " + expected;
    }
    Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
    String msg = cause != null ? cause.getMessage() : e.getOriginalMessage();
    return where + path + ": " + msg;
  }

  private static String firstLine(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static String typeName(Class<?> c) {
    if (c == Boolean.class || c == boolean.class) {
      return "boolean (true or false)";
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return "whole number";
    }
    if (c == String.class) {
      return "string";
    }
    if (List.class.isAssignableFrom(c) || Collection.class.isAssignableFrom(c)) {
      return "list";
    }
    if (c.isRecord()) {
      return "mapping of keys";
    }
    return c.getSimpleName();
  }

  private static String article(String word) {
    return ("aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an " : "a ") + word;
  }

  private static String hint(String key, Collection<Object> known) {
    if (known == null || known.isEmpty()) {
      return "";
    }
    List<String> names = known.stream().map(String::valueOf).sorted().toList();
    Optional<String> close =
        names.stream().filter(n -> distance(n, key) <= Math.max(2, key.length() / 3)).findFirst();
    return close
        .map(c -> " (hint: did you mean '" + c + "'? known keys: " + String.join(", ", names) + ")")
        .orElse(" (hint: known keys here: " + String.join(", ", names) + ")");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String at(String file, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return file + ": ";
    }
    return file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  private static JsonLocation nearest(Map<String, JsonLocation> where, String path) {
    String p = path;
    while (!p.isEmpty()) {
      JsonLocation loc = where.get(p);
      if (loc != null) {
        return loc;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return null;
  }

  /** Maps every key path in the document to where it stands (the key, or the list item). */
  static Map<String, JsonLocation> locations(String text) throws IOException {
    Map<String, JsonLocation> out = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Deque<int[]> indexes = new ArrayDeque<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      JsonToken t;
      String current = "";
      while ((t = p.nextToken()) != null) {
        String container = stack.isEmpty() ? "" : stack.peek();
        if (t == JsonToken.FIELD_NAME) {
          current = container.isEmpty() ? p.currentName() : container + "." + p.currentName();
          out.put(current, p.currentTokenLocation());
          continue;
        }
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          stack.pop();
          indexes.pop();
          continue;
        }
        String self = current;
        if (!indexes.isEmpty() && indexes.peek()[0] >= 0) {
          int i = indexes.peek()[0]++;
          self = container + "[" + i + "]";
          out.put(self, p.currentTokenLocation());
        }
        if (t == JsonToken.START_OBJECT) {
          stack.push(self);
          indexes.push(new int[] {-1});
        } else if (t == JsonToken.START_ARRAY) {
          stack.push(self);
          indexes.push(new int[] {0});
        }
      }
    }
    return out;
  }
}
