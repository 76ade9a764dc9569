package io.skiff.store.process;

import java.nio.file.Path;
import java.util.List;

/**
 * A three-member store cluster whose members are real OS processes serving etcd's v3 API on loopback.
 * Members are addressed by index, 0 to {@code size() - 1}; an index keeps its name, ports and data dir
 * for the cluster's whole life, so a restarted member rejoins as itself.
 */
public interface StoreCluster extends AutoCloseable {

  /** Launches every member and returns once each answers {@code etcdctl endpoint health}. */
  void start();

  int size();

  /** The member's name in the cluster configuration (what {@code etcdctl member list} shows). */
  String memberName(int index);

  /** Each member's etcd client address as {@code host:port}, in member order. */
  List<String> clientEndpoints();

  default String clientEndpoint(int index) {
    return clientEndpoints().get(index);
  }

  boolean isRunning(int index);

  /** SIGKILL: no shutdown hooks run. Returns once the process is gone. */
  void kill(int index);

  /** SIGTERM, then waits for the process to exit (killing it if it does not exit in time). */
  void stop(int index);

  /** Starts a stopped or killed member again on its own data dir and ports, and waits until it is healthy. */
  void restart(int index);

  /** Index of the member that the running members agree is the leader, waiting a bounded time for an election. */
  int leaderIndex();

  Path dataDir(int index);

  /** The member's stdout and stderr, appended to across restarts. */
  Path logFile(int index);

  /** Kills every member and deletes all their data. */
  @Override
  void close();
}
