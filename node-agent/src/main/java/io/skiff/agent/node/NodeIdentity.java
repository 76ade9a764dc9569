package io.skiff.agent.node;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import io.skiff.agent.AgentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The node's name and the address others reach it at (its InternalIP: the masters proxy logs to
 * it, and pods report it as hostIP). Unless configured, the address is the one this machine's
 * routes use towards the first master, found once, on first use (a UDP "connect" sends nothing).
 * Thread-safe.
 */
@Singleton
public final class NodeIdentity {
  private final AgentConfig config;
  private volatile String internalIp;

  @Inject
  public NodeIdentity(AgentConfig config) {
    this.config = config;
  }

  public String name() {
    return config.nodeName();
  }

  public String internalIp() {
    String ip = internalIp;
    if (ip == null) {
      ip = config.nodeIp().isEmpty() ? routeTowards(config.masters().get(0)) : config.nodeIp();
      internalIp = ip;
    }
    return ip;
  }

  static String routeTowards(InetSocketAddress master) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(master.getHostString()), master.getPort()));
      InetAddress local = socket.getLocalAddress();
      if (local == null || local.isAnyLocalAddress()) {
        return InetAddress.getLocalHost().getHostAddress();
      }
      return local.getHostAddress();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find this node's address towards master " + master, e);
    }
  }
}
