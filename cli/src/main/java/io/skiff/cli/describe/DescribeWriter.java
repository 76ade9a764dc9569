package io.skiff.cli.describe;

import io.skiff.cli.output.TabWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * kubectl describe's writer: lines at an indentation level (two spaces
 * each), "Key:\tvalue" cells aligned by {@link TabWriter} over each run of
 * lines, and the label, annotation and event blocks in kubectl's shapes. Not
 * thread-safe.
 */
public final class DescribeWriter {
  /** Annotations describe leaves out: the stored manifest is long and says nothing new. */
  private static final String LAST_APPLIED = "skiff.io/last-applied-configuration";

  private final StringBuilder text = new StringBuilder();

  /** One line: {@code cells} joined by tabs, at {@code level}. */
  public void line(int level, String... cells) {
    text.append("  ".repeat(level)).append(String.join("\t", cells)).append('\n');
  }

  /** "Key:\tvalue". */
  public void field(int level, String key, Object value) {
    line(level, key + ":", String.valueOf(value));
  }

  /** "Key:\tvalue" unless the value is empty. */
  public void optional(int level, String key, String value) {
    if (value != null && !value.isEmpty()) {
      field(level, key, value);
    }
  }

  /** "Labels:\ta=1" then "\tb=2" for the rest; "<none>" when empty. */
  public void labels(int level, String title, Map<String, String> labels) {
    multiline(level, title, labels, "=");
  }

  public void annotations(int level, String title, Map<String, String> annotations) {
    Map<String, String> shown = new TreeMap<>(annotations);
    shown.remove(LAST_APPLIED);
    multiline(level, title, shown, ": ");
  }

  private void multiline(int level, String title, Map<String, String> map, String separator) {
    if (map.isEmpty()) {
      line(level, title + ":", "<none>");
      return;
    }
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      line(level, first ? title + ":" : "", e.getKey() + separator + e.getValue());
      first = false;
    }
  }

  public String render() {
    return TabWriter.forDescribe().format(text.toString());
  }
}
