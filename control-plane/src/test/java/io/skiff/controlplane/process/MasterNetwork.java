package io.skiff.controlplane.process;

import io.skiff.store.process.ProcessRun;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A private network of Linux network namespaces, one per master, that can be partitioned. Needs root,
 * iproute2 ({@code ip netns}, veth, bridge) and nftables.
 *
 * <p>Shape: every namespace has loopback and one veth whose other end is a port of a bridge in the root
 * namespace; the bridge also has an address, so the test JVM (root namespace) reaches every master the
 * way a client on the same LAN does. A master binds everything (Raft, store client port, API) to its
 * namespace's address, so masters use the default ports (2380, 2379, 6443) and still reach each other's
 * store endpoints as on real machines (Cluster/Members asks the others over them).
 *
 * <p>A partition is a drop rule set (nftables) in the isolated master's namespace, for packets to and
 * from the other masters only: all traffic between the two sides stops, silently, as when a switch
 * loses a link (no resets, so established connections hang until their own timeouts), while the test
 * still reaches both sides, like a client that sees both halves of a split. Healing deletes the rule set.
 * Taking a link down instead would cut the test off the isolated master too.
 *
 * <p>Names carry a random suffix and the owning JVM's pid: namespaces {@code skiff-part-<pid>-<suffix>-m1},
 * links (bridge {@code skp<suffix>br}, veths {@code skp<suffix>v1}) the alias {@code skiff-part owner=<pid>}.
 * {@link #create} first removes what a crashed earlier run left: namespaces and links whose owner is gone,
 * and the processes still in those namespaces. {@link #close} deletes the links itself rather than
 * leaving them to the namespaces' end: a namespace outlives its name while sockets in it linger (TCP
 * connections retransmitting into a partition, say), and its veth with it. Addresses are
 * {@code 10.213.N.0/24} with N chosen so that no route of the root namespace overlaps it.
 */
final class MasterNetwork implements AutoCloseable {

  private static final String NAMESPACE_PREFIX = "skiff-part-";
  private static final Pattern OUR_NAMESPACE = Pattern.compile(NAMESPACE_PREFIX + "(\\d+)-[0-9a-f]{4}-m\\d+");
  private static final String ALIAS = "skiff-part owner=";
  /** A line of {@code ip -o link show}: "788: skp0b08v1@if2: <...> ... alias skiff-part owner=1234". */
  private static final Pattern OUR_LINK = Pattern.compile("\\d+: ([^@:]+)[@:].* alias " + ALIAS + "(\\d+)");
  private static final String TABLE = "skiff_partition";
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final String suffix;
  private final int subnet;
  private final int size;
  private final List<String> namespaces = new ArrayList<>();
  /** Links in the root namespace, the bridge last. */
  private final List<String> links = new ArrayList<>();

  private MasterNetwork(String suffix, int subnet, int size) {
    this.suffix = suffix;
    this.subnet = subnet;
    this.size = size;
  }

  /** Why this machine cannot build the network (not root, no working {@code ip netns}), or empty when it can. */
  static Optional<String> unavailable() {
    try {
      String uid = run(List.of("id", "-u")).stdout().strip();
      if (!uid.equals("0")) {
        return Optional.of("network namespaces need root; running as uid " + uid);
      }
      // listing works without the right to make one (a container without CAP_SYS_ADMIN): make one
      String probe = NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-probe";
      Result added = run(List.of("ip", "netns", "add", probe));
      if (added.exitCode() != 0) {
        return Optional.of("cannot make a network namespace: " + added);
      }
      run(List.of("ip", "netns", "del", probe));
      return Optional.empty();
    } catch (UncheckedIOException e) {
      return Optional.of("`ip` (iproute2) could not be run: " + e.getCause());
    }
  }

  /** {@code size} namespaces on one new bridge, each with its address up. */
  static MasterNetwork create(int size) {
    if (run(List.of("sh", "-c", "command -v nft")).exitCode() != 0) {
      throw new IllegalStateException("`nft` (nftables) is not on PATH; scripts/install-deps.sh installs it");
    }
    removeLeftovers();
    String suffix = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    MasterNetwork network = new MasterNetwork(suffix, freeSubnet(), size);
    try {
      network.build();
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  private void build() {
    String bridge = "skp" + suffix + "br";
    must("ip", "link", "add", bridge, "type", "bridge");
    links.add(bridge);
    must("ip", "link", "set", bridge, "alias", ALIAS + ProcessHandle.current().pid());
    must("ip", "addr", "add", address(254) + "/24", "dev", bridge);
    must("ip", "link", "set", bridge, "up");
    for (int i = 0; i < size; i++) {
      String ns = NAMESPACE_PREFIX + ProcessHandle.current().pid() + "-" + suffix + "-m" + (i + 1);
      must("ip", "netns", "add", ns);
      namespaces.add(ns);
      String veth = "skp" + suffix + "v" + (i + 1);
      must("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
      links.add(0, veth);
      must("ip", "link", "set", veth, "alias", ALIAS + ProcessHandle.current().pid());
      must("ip", "link", "set", veth, "master", bridge, "up");
      // a master talks to itself (its own API, its store) over loopback as well
      must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      must("ip", "netns", "exec", ns, "ip", "addr", "add", host(i) + "/24", "dev", "eth0");
      must("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
    }
  }

  /** The address of member {@code index} (0-based). */
  String host(int index) {
    return address(index + 1);
  }

  /** The command prefix that runs a program in member {@code index}'s namespace. */
  List<String> launcher(int index) {
    return List.of("ip", "netns", "exec", namespaces.get(index));
  }

  /** Cuts member {@code index} off from every other member, both ways; the root namespace still reaches it. */
  void isolate(int index) {
    String others = IntStream.range(0, size).filter(i -> i != index).mapToObj(this::host)
        .reduce((a, b) -> a + ", " + b).orElseThrow();
    String rules = """
        add table inet %1$s
        add chain inet %1$s input { type filter hook input priority 0; policy accept; }
        add chain inet %1$s output { type filter hook output priority 0; policy accept; }
        add rule inet %1$s input ip saddr { %2$s } drop
        add rule inet %1$s output ip daddr { %2$s } drop
        """.formatted(TABLE, others);
    must(List.of("ip", "netns", "exec", namespaces.get(index), "nft", "-f", "-"), rules);
  }

  /** Undoes {@link #isolate}. */
  void heal(int index) {
    must("ip", "netns", "exec", namespaces.get(index), "nft", "delete", "table", "inet", TABLE);
  }

  /** Deletes the veths (both ends), the bridge and the namespaces; safe to call twice. */
  @Override
  public void close() {
    List<String> failures = new ArrayList<>();
    for (String link : links) {
      Result deleted = run(List.of("ip", "link", "del", link));
      if (deleted.exitCode() != 0) {
        failures.add(deleted.toString());
      }
    }
    links.clear();
    for (String ns : namespaces) {
      Result deleted = run(List.of("ip", "netns", "del", ns));
      if (deleted.exitCode() != 0) {
        failures.add(deleted.toString());
      }
    }
    namespaces.clear();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("could not remove the test network: " + failures);
    }
  }

  private String address(int last) {
    return "10.213." + subnet + "." + last;
  }

  /**
   * What runs of this test whose JVM is gone left behind: kills what still runs in their namespaces
   * (masters orphaned by a killed test JVM), deletes the namespaces and the links.
   */
  private static void removeLeftovers() {
    for (String line : must("ip", "netns", "list").stdout().split("\n")) {
      String ns = line.split(" ")[0];
      Matcher m = OUR_NAMESPACE.matcher(ns);
      if (m.matches() && !alive(m.group(1))) {
        for (String pid : run(List.of("ip", "netns", "pids", ns)).stdout().split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        run(List.of("ip", "netns", "del", ns));
      }
    }
    for (String line : must("ip", "-o", "link", "show").stdout().split("\n")) {
      Matcher m = OUR_LINK.matcher(line);
      if (m.find() && !alive(m.group(2))) {
        run(List.of("ip", "link", "del", m.group(1)));  // a veth may have gone with its peer already
      }
    }
  }

  private static boolean alive(String pid) {
    return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A third octet whose 10.213.N.0/24 no route of the root namespace touches (another run's, say). */
  private static int freeSubnet() {
    String routes = must("ip", "-4", "route", "show", "table", "all").stdout();
    int start = ThreadLocalRandom.current().nextInt(256);
    for (int i = 0; i < 256; i++) {
      int n = (start + i) % 256;
      if (!routes.contains("10.213." + n + ".")) {
        return n;
      }
    }
    throw new IllegalStateException("every 10.213.N.0/24 is routed already:\n" + routes);
  }

  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip();
    }
  }

  private static Result must(String... command) {
    return must(List.of(command), null);
  }

  private static Result must(List<String> command, String input) {
    Result result = run(command, input);
    if (result.exitCode() != 0) {
      throw new IllegalStateException("network set-up failed: " + result);
    }
    return result;
  }

  private static Result run(List<String> command) {
    return run(command, null);
  }

  private static Result run(List<String> command, String input) {
    ProcessRun.Output output = ProcessRun.run(new ProcessBuilder(command), input, COMMAND_TIMEOUT);
    return new Result(command, output.exitCode(), output.stdout(), output.stderr());
  }
}
