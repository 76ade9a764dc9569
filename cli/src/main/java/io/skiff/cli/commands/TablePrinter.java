package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.skiff.cli.output.Selectors;
import io.skiff.cli.output.TabWriter;
import io.skiff.cli.output.Tables;
import io.skiff.client.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind's table, kubectl-style: optional NAMESPACE first, the kind's
 * columns, optional LABELS last. Remembers column widths between calls, so
 * the rows of a watch line up under the first table. Not thread-safe.
 */
final class TablePrinter {
  private final ResourceType<?> type;
  private final boolean wide;
  private final boolean withNamespace;
  private final boolean kindPrefix;
  private final boolean showLabels;
  private final TabWriter writer = TabWriter.forTables(true);

  TablePrinter(ResourceType<?> type, boolean wide, boolean withNamespace, boolean kindPrefix, boolean showLabels) {
    this.type = type;
    this.wide = wide;
    this.withNamespace = withNamespace && type.namespaced();
    this.kindPrefix = kindPrefix;
    this.showLabels = showLabels;
  }

  /** A row: the object, and the watch event that brought it (null: no EVENT column). */
  record Row(String event, Message object) {
  }

  /** The header (unless {@code headers} is false) and a row per object. */
  String table(List<? extends Message> objects, Instant now, boolean headers) {
    return rows(objects.stream().map(o -> new Row(null, o)).toList(), now, headers);
  }

  String rows(List<Row> rows, Instant now, boolean headers) {
    StringBuilder text = new StringBuilder();
    if (headers && !rows.isEmpty()) {
      List<String> cells = new ArrayList<>();
      if (rows.get(0).event() != null) {
        cells.add("EVENT");
      }
      if (withNamespace) {
        cells.add("NAMESPACE");
      }
      cells.addAll(Tables.headers(type, wide));
      if (showLabels) {
        cells.add("LABELS");
      }
      text.append(String.join("\t", cells)).append('\n');
    }
    for (Row row : rows) {
      text.append(String.join("\t", cells(row.object(), now, row.event()))).append('\n');
    }
    return writer.format(text.toString());
  }

  private List<String> cells(Message object, Instant now, String eventColumn) {
    List<String> cells = new ArrayList<>();
    if (eventColumn != null) {
      cells.add(eventColumn);
    }
    var meta = Resources.meta(object);
    if (withNamespace) {
      cells.add(meta.getNamespace());
    }
    String name = kindPrefix ? Resources.ref(type, meta.getName()) : meta.getName();
    cells.addAll(Tables.row(object, name, now, wide));
    if (showLabels) {
      cells.add(Selectors.labels(meta.getLabelsMap()));
    }
    return cells;
  }
}
