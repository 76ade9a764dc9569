package io.skiff.agent.podman;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns which containers the kernel OOM-killed from the kernel log ({@code /dev/kmsg}), as
 * cAdvisor's oomparser does for the kubelet: each kill is logged as
 * {@code oom-kill:constraint=CONSTRAINT_MEMCG,...,task_memcg=/libpod_parent/libpod-<id>,...}.
 *
 * <p>Why: Podman 4.3 never reports {@code State.OOMKilled}. conmon 2.1 writes its "oom" marker
 * file into its working directory (the Podman service's), while Podman looks for it in the
 * container's bundle directory (fixed in Podman 5 by a per-container persist directory).
 *
 * <p>It reads the whole ring buffer first, so kills from before an agent restart are known while
 * the kernel still holds them. Without access to {@code /dev/kmsg} (not root, or no such device)
 * it says so once in the log and knows of no kills. Thread-safe.
 */
final class KernelOomWatcher implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(KernelOomWatcher.class);
  private static final Pattern OOM_KILL = Pattern.compile("oom-kill:.*task_memcg=[^,]*libpod-([0-9a-f]{64})");
  /** Containers remembered; old kills are forgotten first. */
  private static final int REMEMBERED = 4096;
  /** The kernel's largest record is about 1 KiB with its dictionary; a shorter buffer fails reads. */
  private static final int RECORD_BUFFER = 16 * 1024;

  private final Map<String, Boolean> killed = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  };
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final FileChannel kmsg; // null when the kernel log cannot be read
  private final Thread reader;

  private KernelOomWatcher(FileChannel kmsg) {
    this.kmsg = kmsg;
    this.reader = kmsg == null ? null : new Thread(this::readLoop, "kernel-oom-watcher");
  }

  /** Starts reading {@code device}, normally {@code /dev/kmsg}. */
  static KernelOomWatcher start(Path device) {
    FileChannel channel;
    try {
      channel = FileChannel.open(device, StandardOpenOption.READ);
    } catch (IOException | SecurityException e) {
      log.warn("cannot read the kernel log {} ({}): containers killed for exceeding their memory limit "
          + "will not be reported as OOM-killed", device, e.toString());
      channel = null;
    }
    KernelOomWatcher watcher = new KernelOomWatcher(channel);
    if (watcher.reader != null) {
      watcher.reader.setDaemon(true);
      watcher.reader.start();
    }
    return watcher;
  }

  /** Whether the kernel OOM-killed a process of this container (full id). */
  boolean oomKilled(String containerId) {
    synchronized (killed) {
      return killed.containsKey(containerId);
    }
  }

  /** Calls {@code listener} with the container id of each kill seen from now on, on the watcher's thread. */
  Runnable onOomKill(Consumer<String> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    if (kmsg == null) {
      return;
    }
    try {
      kmsg.close(); // wakes the reader, which is blocked in read
    } catch (IOException e) {
      log.warn("closing the kernel log", e);
    }
  }

  private void readLoop() {
    ByteBuffer buffer = ByteBuffer.allocate(RECORD_BUFFER);
    while (true) {
      buffer.clear();
      try {
        // each read returns one record: "priority,sequence,microseconds,flags;message\n..."
        if (kmsg.read(buffer) < 0) {
          return;
        }
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if ("Broken pipe".equals(e.getMessage())) {
          continue; // EPIPE: records were overwritten before we read them; the next read goes on after them
        }
        log.error("reading the kernel log failed: OOM kills will no longer be noticed", e);
        return;
      }
      record(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
    }
  }

  /** Takes note of a kill in one kernel log record; package-private for tests. */
  void record(String kernelRecord) {
    Matcher m = OOM_KILL.matcher(kernelRecord);
    if (!m.find()) {
      return;
    }
    String id = m.group(1);
    synchronized (killed) {
      killed.put(id, Boolean.TRUE);
    }
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(id);
      } catch (RuntimeException e) {
        log.error("an OOM listener failed for container {}", id, e);
      }
    }
  }

  /** A watcher that knows of no kills, for tests. */
  static KernelOomWatcher none() {
    return new KernelOomWatcher(null);
  }
}
