package io.skiff.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A list of master API endpoints, "host:port,host:port", as users and configs give them. */
public final class Endpoints {
  private Endpoints() {
  }

  /** Parses; a malformed entry is an IllegalArgumentException naming it. */
  public static List<InetSocketAddress> parse(String list) {
    List<InetSocketAddress> endpoints = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        throw new IllegalArgumentException("endpoint '" + e + "' is not host:port");
      }
      int port;
      try {
        port = Integer.parseInt(e.substring(colon + 1));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("endpoint '" + e + "' has no numeric port");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("endpoint '" + e + "' has port " + port + ", not in 1..65535");
      }
      String host = e.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      endpoints.add(InetSocketAddress.createUnresolved(host, port));
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoints given");
    }
    return endpoints;
  }

  public static String format(List<InetSocketAddress> endpoints) {
    return String.join(",", endpoints.stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
  }
}
