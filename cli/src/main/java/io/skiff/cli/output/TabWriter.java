package io.skiff.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter (elastic tab stops), as kubectl uses it for tables and
 * describe: text cells end with a tab; cells of one column are aligned over a
 * run of consecutive lines that all have a cell in that column; the text
 * after a line's last tab is not aligned. With {@code rememberWidths} (kubectl
 * `get -w`), columns never get narrower from one {@link #format} to the next.
 * Not thread-safe.
 */
public final class TabWriter {
  private final int minWidth;
  private final int padding;
  private final boolean rememberWidths;
  private final List<Integer> maxWidths = new ArrayList<>();

  private List<List<String>> lines;
  private final List<Integer> widths = new ArrayList<>();
  private StringBuilder out;

  public TabWriter(int minWidth, int padding, boolean rememberWidths) {
    this.minWidth = minWidth;
    this.padding = padding;
    this.rememberWidths = rememberWidths;
  }

  /** kubectl get's settings: columns at least 6 wide, 3 spaces apart. */
  public static TabWriter forTables(boolean rememberWidths) {
    return new TabWriter(6, 3, rememberWidths);
  }

  /** kubectl describe's settings. */
  public static TabWriter forDescribe() {
    return new TabWriter(0, 2, false);
  }

  /** Lays out {@code text} (lines of tab-terminated cells). A final line without a newline is kept as it is. */
  public String format(String text) {
    lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      List<String> cells = new ArrayList<>(List.of(line.split("\t", -1)));
      lines.add(cells);
    }
    out = new StringBuilder(text.length() + 64);
    widths.clear();
    format(0, lines.size());
    return out.toString();
  }

  private void format(int line0, int line1) {
    int column = widths.size();
    for (int i = line0; i < line1; i++) {
      if (column >= lines.get(i).size() - 1) {
        continue;
      }
      // a cell in this column: print the lines above, then find the block of lines that have one
      writeLines(line0, i);
      line0 = i;
      int width = minWidth;
      for (; i < line1; i++) {
        List<String> line = lines.get(i);
        if (column >= line.size() - 1) {
          break;
        }
        width = Math.max(width, textWidth(line.get(column)) + padding);
      }
      if (rememberWidths) {
        if (column < maxWidths.size()) {
          width = Math.max(width, maxWidths.get(column));
          maxWidths.set(column, width);
        } else {
          maxWidths.add(width);
        }
      }
      widths.add(width);
      format(line0, i);
      widths.remove(widths.size() - 1);
      line0 = i;
    }
    writeLines(line0, line1);
  }

  /** Writes lines with the current column widths; unlike Go's, without padding at the ends of lines. */
  private void writeLines(int line0, int line1) {
    for (int i = line0; i < line1; i++) {
      List<String> line = lines.get(i);
      int start = out.length();
      for (int j = 0; j < line.size(); j++) {
        String cell = line.get(j);
        out.append(cell);
        if (j < widths.size() && j < line.size() - 1) {
          out.append(" ".repeat(Math.max(0, widths.get(j) - textWidth(cell))));
        }
      }
      int end = out.length();
      while (end > start && out.charAt(end - 1) == ' ') {
        end--;
      }
      out.setLength(end);
      if (i < lines.size() - 1) {
        out.append('\n');
      }
    }
  }

  private static int textWidth(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
