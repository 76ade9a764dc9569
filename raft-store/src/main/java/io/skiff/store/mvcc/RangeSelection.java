package io.skiff.store.mvcc;

import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.mvcc.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the live keys of a range read and shapes the answer as etcd does:
 * {@code count} is every key in the range; the min/max revision filters, sort
 * and limit then apply to what is returned; {@code more} says the limit cut it.
 */
final class RangeSelection {
  private final RangeRequest request;
  private final boolean filtered;
  private final List<KeyValue> kvs = new ArrayList<>();
  private long count;

  RangeSelection(RangeRequest request) {
    this.request = request;
    this.filtered = request.getMinModRevision() > 0 || request.getMaxModRevision() > 0
        || request.getMinCreateRevision() > 0 || request.getMaxCreateRevision() > 0;
  }

  void offer(KeyValue kv) {
    count++;
    if (request.getCountOnly() || !passesFilters(kv)) {
      return;
    }
    // unsorted, unfiltered reads stop collecting once past the limit (keys come in order)
    if (!needsAll() && request.getLimit() > 0 && kvs.size() > request.getLimit()) {
      return;
    }
    kvs.add(kv);
  }

  RangeResponse response() {
    RangeResponse.Builder resp = RangeResponse.newBuilder().setCount(count);
    if (request.getCountOnly()) {
      return resp.build();
    }
    sort();
    List<KeyValue> out = kvs;
    if (request.getLimit() > 0 && out.size() > request.getLimit()) {
      out = out.subList(0, (int) request.getLimit());
      resp.setMore(true);
    }
    if (request.getKeysOnly()) {
      // values go only now: a keys-only read sorted by value is still sorted by value, as in etcd
      out.forEach(kv -> resp.addKvs(kv.toBuilder().clearValue()));
      return resp.build();
    }
    return resp.addAllKvs(out).build();
  }

  /**
   * As etcd 3.4's applier: only an explicit sort order or a revision filter makes it read the
   * whole range before cutting at the limit. A sort target without an order sorts just the
   * first {@code limit + 1} keys in key order (an etcd quirk, kept for compatibility).
   */
  private boolean needsAll() {
    return filtered || request.getSortOrder() != RangeRequest.SortOrder.NONE;
  }

  private boolean passesFilters(KeyValue kv) {
    RangeRequest r = request;
    return (r.getMinModRevision() <= 0 || kv.getModRevision() >= r.getMinModRevision())
        && (r.getMaxModRevision() <= 0 || kv.getModRevision() <= r.getMaxModRevision())
        && (r.getMinCreateRevision() <= 0 || kv.getCreateRevision() >= r.getMinCreateRevision())
        && (r.getMaxCreateRevision() <= 0 || kv.getCreateRevision() <= r.getMaxCreateRevision());
  }

  private void sort() {
    RangeRequest.SortOrder order = request.getSortOrder();
    RangeRequest.SortTarget target = request.getSortTarget();
    if (order == RangeRequest.SortOrder.NONE) {
      if (target == RangeRequest.SortTarget.KEY) {
        return; // already in key order
      }
      order = RangeRequest.SortOrder.ASCEND; // etcd: a sort target without an order means ascending
    }
    Comparator<KeyValue> cmp = switch (target) {
      case VERSION -> Comparator.comparingLong(KeyValue::getVersion);
      case CREATE -> Comparator.comparingLong(KeyValue::getCreateRevision);
      case MOD -> Comparator.comparingLong(KeyValue::getModRevision);
      case VALUE -> Comparator.comparing(KeyValue::getValue, KeyRange.ORDER);
      default -> Comparator.comparing(KeyValue::getKey, KeyRange.ORDER);
    };
    if (order == RangeRequest.SortOrder.DESCEND) {
      cmp = cmp.reversed();
    }
    kvs.sort(cmp); // stable: ties stay in key order
  }
}
