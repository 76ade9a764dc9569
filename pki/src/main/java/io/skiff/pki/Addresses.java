package io.skiff.pki;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Names and addresses for certificates' subject alternative names. */
public final class Addresses {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private Addresses() {
  }

  /** An IPv4 or IPv6 literal (never resolved: a DNS name is not an address). */
  public static boolean isIpLiteral(String name) {
    return IPV4.matcher(name).matches() || (name.contains(":") && name.matches("[0-9a-fA-F:.%]+"));
  }

  /** A name as certificates compare it: IP literals in one spelling ("::1", not "0:0:0:0:0:0:0:1"), DNS names in lower case. */
  public static String canonical(String name) {
    if (!isIpLiteral(name)) {
      return name.toLowerCase(java.util.Locale.ROOT);
    }
    try {
      return InetAddress.getByName(name).getHostAddress();  // a literal: parsed, never looked up
    } catch (java.net.UnknownHostException e) {
      return name;
    }
  }

  /** What a server listening on {@code bindHosts} should be reachable as: they, this host's names and addresses, loopback. */
  public static List<String> serverNames(List<String> bindHosts) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    try {
      InetAddress local = InetAddress.getLocalHost();
      names.add(local.getHostName());
      names.add(local.getCanonicalHostName());
    } catch (java.net.UnknownHostException e) {
      // no resolvable host name: the addresses still serve
    }
    boolean wildcard = false;
    for (String host : bindHosts) {
      if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
        wildcard = true;
      } else {
        names.add(host);
      }
    }
    if (wildcard) {
      names.addAll(interfaceAddresses());
    }
    return new ArrayList<>(names);
  }

  private static List<String> interfaceAddresses() {
    List<String> addresses = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          String text = address.getHostAddress();
          int zone = text.indexOf('%');
          addresses.add(zone < 0 ? text : text.substring(0, zone));
        }
      }
    } catch (SocketException e) {
      // no interfaces listed: loopback and the host name still serve
    }
    return addresses;
  }
}
