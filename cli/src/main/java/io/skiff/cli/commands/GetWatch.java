package io.skiff.cli.commands;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.ObjectMeta;
import io.skiff.api.v1.WatchRequest;
import io.skiff.cli.output.ObjectFormats;
import io.skiff.client.ResourceClient;
import io.skiff.client.ResourceType;
import io.skiff.client.ResumingWatch;
import io.skiff.client.WatchListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * `get -w`: the list, then each change as a row (or document) as it
 * happens, until interrupted. The watch resumes from the last version seen
 * on whichever master the channel moves to, so a master going away loses and
 * repeats nothing; if the masters no longer hold that version it lists again
 * and prints only what changed. Each object's version is printed once.
 * Thread-safe: rows come from gRPC's threads, one at a time.
 */
final class GetWatch {
  private final GetCommand get;
  private final Targets.Target target;
  private final TablePrinter table;
  /** The last printed state of each object, by namespace/name; guarded by this. */
  private final Map<String, Message> printed = new LinkedHashMap<>();
  private boolean headerDue;

  GetWatch(GetCommand get, Targets.Target target) {
    this.get = get;
    this.target = target;
    this.table = new TablePrinter(target.type(), "wide".equals(get.output), get.allNamespaces, false, get.showLabels);
    this.headerDue = !get.noHeaders;
  }

  int run() throws ExecutionException {
    return watch(target.type());
  }

  private <T extends Message> int watch(ResourceType<T> type) throws ExecutionException {
    ResourceClient<T> client = get.session().client(type);
    ListRequest list = get.listRequest(type);
    if (!target.names().isEmpty()) {
      String byName = "metadata.name=" + target.names().get(0);
      list = list.toBuilder().setFieldSelector(list.getFieldSelector().isEmpty() ? byName
          : list.getFieldSelector() + "," + byName).build();
    }
    long revision = 0;
    if (!get.watchOnly) {
      revision = catchUp(client, list);
    }
    while (true) {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      WatchRequest request = WatchRequest.newBuilder().setNamespace(list.getNamespace())
          .setLabelSelector(list.getLabelSelector()).setFieldSelector(list.getFieldSelector())
          .setResourceVersion(revision).setAllowBookmarks(true).build();
      ResumingWatch<T> watch = new ResumingWatch<>(client, request, new WatchListener<>() {
        @Override
        public void onEvent(String eventType, T object) {
          if (!eventType.equals("BOOKMARK")) {
            show(type, List.of(new TablePrinter.Row(eventType, object)));
          }
        }

        @Override
        public void onEnd(Status status) {
          ended.complete(status);
        }
      });
      Status status;
      try {
        status = ended.get();
      } catch (InterruptedException e) {
        // interrupted (a test, or the JVM shutting down): the watch is over, and that is not an error
        Thread.currentThread().interrupt();
        return 0;
      } finally {
        watch.close();
      }
      if (status.getCode() != Status.Code.OUT_OF_RANGE) {
        throw status.asRuntimeException();
      }
      // the masters no longer hold our resume point: list again, print what changed, watch from there
      revision = catchUp(client, list);
    }
  }

  /** Lists, prints what differs from what was printed, and returns the list's revision. */
  private synchronized <T extends Message> long catchUp(ResourceClient<T> client, ListRequest list) {
    Resources.Listed<T> listed = Resources.list(client, list);
    Map<String, Message> gone = new LinkedHashMap<>(printed);
    List<TablePrinter.Row> changes = new ArrayList<>();
    for (T object : listed.items()) {
      gone.remove(key(object));
      changes.add(new TablePrinter.Row(printed.containsKey(key(object)) ? "MODIFIED" : "ADDED", object));
    }
    gone.values().forEach(object -> changes.add(new TablePrinter.Row("DELETED", object)));
    if (listed.items().isEmpty() && printed.isEmpty()) {
      get.cli().err().println("No resources found" + (target.type().namespaced() && !get.allNamespaces
          ? " in " + get.namespace() + " namespace." : ""));
    }
    show(client.type(), changes);
    return listed.resourceVersion();
  }

  /** Prints the rows whose objects changed since last printed (and every deletion), in one table. */
  private synchronized void show(ResourceType<?> type, List<TablePrinter.Row> rows) {
    List<TablePrinter.Row> fresh = new ArrayList<>();
    for (TablePrinter.Row row : rows) {
      String key = key(row.object());
      Message last = printed.get(key);
      if (row.event().equals("DELETED")) {
        printed.remove(key);
      } else if (last != null
          && Resources.meta(last).getResourceVersion() == Resources.meta(row.object()).getResourceVersion()) {
        continue;
      } else {
        printed.put(key, row.object());
      }
      fresh.add(get.outputWatchEvents ? row : new TablePrinter.Row(null, row.object()));
    }
    if (fresh.isEmpty()) {
      return;
    }
    var out = get.out();
    String output = get.output == null ? "" : get.output;
    for (TablePrinter.Row row : fresh) {
      switch (output) {
        case "name" -> out.println(Resources.ref(type, Resources.meta(row.object()).getName()));
        case "yaml" -> out.print("---\n" + ObjectFormats.format("yaml", ObjectFormats.tree(type, row.object())));
        case "json" -> out.print(ObjectFormats.format("json", ObjectFormats.tree(type, row.object())));
        default -> {
        }
      }
    }
    if (!List.of("name", "yaml", "json").contains(output)) {
      out.print(table.rows(fresh, get.now(), headerDue));
      headerDue = false;
    }
    out.flush();
  }

  private static String key(Message object) {
    ObjectMeta meta = Resources.meta(object);
    return meta.getNamespace() + "/" + meta.getName();
  }
}
