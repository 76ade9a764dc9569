package io.skiff.store.process;

import io.grpc.StatusRuntimeException;
import io.skiff.proto.etcd.Compare;
import io.skiff.proto.etcd.PutRequest;
import io.skiff.proto.etcd.RangeRequest;
import io.skiff.proto.etcd.RangeResponse;
import io.skiff.proto.etcd.RequestOp;
import io.skiff.proto.etcd.TxnRequest;
import io.skiff.store.linearizability.History;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of a linearizability workload: until stopped, random linearizable reads, puts and
 * compare-and-swaps on a few keys treated as registers (absent = {@code null}), each recorded in a shared
 * {@link History}. Any gRPC error leaves the outcome UNKNOWN: a write that timed out or lost its connection
 * may still take effect later. A CAS whose compare did not hold is a definite answer: OK, not swapped.
 */
final class RegisterClient implements Runnable {

  private final int id;
  private final KvClients clients;
  private final List<String> keys;
  private final AtomicBoolean stop;
  private final History history;
  private final Random random;
  /** What this client last saw in each key: a CAS expects it, so some of them succeed. */
  private final Map<String, String> lastSeen = new HashMap<>();
  private int member;
  private int writes;
  private volatile int answered;

  RegisterClient(int id, KvClients clients, List<String> keys, AtomicBoolean stop, History history, long seed) {
    this.id = id;
    this.clients = clients;
    this.keys = List.copyOf(keys);
    this.stop = stop;
    this.history = history;
    this.random = new Random(seed);
    this.member = id % clients.size();
  }

  /** Calls answered so far (not UNKNOWN), to see the workload make progress. */
  int answered() {
    return answered;
  }

  @Override
  public void run() {
    while (!stop.get()) {
      String key = keys.get(random.nextInt(keys.size()));
      int dice = random.nextInt(10);
      boolean ok = dice < 4 ? read(key) : dice < 7 ? write(key) : compareAndSwap(key);
      if (ok) {
        answered++;
      } else {
        member = (member + 1) % clients.size(); // perhaps dead or cut off: try another member
      }
    }
  }

  private boolean read(String key) {
    History.Pending call = history.invokeRead(id, key);
    try {
      RangeResponse r = clients.kv(member).range(RangeRequest.newBuilder().setKey(KvClients.bytes(key)).build());
      String value = r.getKvsCount() == 0 ? null : r.getKvs(0).getValue().toStringUtf8();
      call.ok(value);
      lastSeen.put(key, value);
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown();
      return false;
    }
  }

  private boolean write(String key) {
    String value = newValue();
    History.Pending call = history.invokeWrite(id, key, value);
    try {
      clients.kv(member).put(put(key, value));
      call.ok();
      lastSeen.put(key, value);
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown();
      return false;
    }
  }

  private boolean compareAndSwap(String key) {
    String expected = lastSeen.get(key);
    String value = newValue();
    Compare.Builder compare = Compare.newBuilder().setKey(KvClients.bytes(key)).setResult(Compare.CompareResult.EQUAL);
    if (expected == null) {
      compare.setTarget(Compare.CompareTarget.VERSION).setVersion(0); // absent
    } else {
      compare.setTarget(Compare.CompareTarget.VALUE).setValue(KvClients.bytes(expected));
    }
    TxnRequest txn = TxnRequest.newBuilder()
        .addCompare(compare)
        .addSuccess(RequestOp.newBuilder().setRequestPut(put(key, value)))
        .build();
    History.Pending call = history.invokeCompareAndSet(id, key, expected, value);
    try {
      boolean swapped = clients.kv(member).txn(txn).getSucceeded();
      call.ok(swapped);
      if (swapped) {
        lastSeen.put(key, value);
      }
      return true;
    } catch (StatusRuntimeException e) {
      call.unknown();
      return false;
    }
  }

  /** Unique across the run, so a read names the one write it saw. */
  private String newValue() {
    return "c" + id + "-" + writes++;
  }

  private static PutRequest put(String key, String value) {
    return PutRequest.newBuilder().setKey(KvClients.bytes(key)).setValue(KvClients.bytes(value)).build();
  }
}
