package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.skiff.cli.testing.ServerProcess.freePort;
import static io.skiff.cli.testing.ServerProcess.until;

import io.skiff.cli.testing.PackagedSkiff;
import io.skiff.cli.testing.ServerProcess;
import io.skiff.cli.testing.Skiff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one cluster as a user runs it: {@code target/skiff server} as a process on free ports,
 * with real Podman (its API service on /run/skiff/podman.sock, as scripts/podman-setup.sh starts
 * it), driven by the packaged {@code skiff} command. The quickstart's Deployment of two web servers
 * becomes available and serves its page from each pod IP; a stopped and restarted server is the
 * same cluster and its agent adopts the running containers; deleting the Deployment removes them.
 */
class ServerIT {
  private static final Path EXAMPLE = Path.of("..", "examples", "hello-deployment.yaml").toAbsolutePath();

  @TempDir
  Path dir;
  private final String node = "server-it-" + UUID.randomUUID().toString().substring(0, 6);
  private ServerProcess server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    // whatever this node's agent left in Podman, whatever the outcome
    List<String> pods = podman("pod", "ps", "-q", "--filter", "label=io.skiff.node=" + node);
    if (!pods.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("pod", "rm", "-f", "-t", "1"));
      rm.addAll(pods);
      podman(rm.toArray(String[]::new));
    }
  }

  @Test
  void runsTheQuickstartWorkloadAndKeepsItAcrossARestart() throws Exception {
    int api = freePort();
    String[] flags = {"--data-dir", dir.resolve("data").toString(), "--node-name", node,
        "--api-address", "127.0.0.1:" + api, "--store-address", "127.0.0.1:" + freePort(),
        "--raft-address", "127.0.0.1:" + freePort(), "--agent-port", Integer.toString(freePort()),
        "--write-config", dir.resolve("config").toString()};
    server = ServerProcess.start(dir, "server.log", node, flags);
    // secure by default: the server wrote the admin's context (TLS, client certificate) into skiff's config
    Skiff.Result whoami = skiff("auth", "whoami");
    assertEquals(0, whoami.code(), whoami.err());
    assertTrue(whoami.out().contains("admin"), whoami.out());
    assertTrue(skiff("--insecure", "get", "nodes").code() != 0, "plaintext is refused by the TLS API");
    until(() -> skiff("get", "node", node).out().contains(" Ready "), "node " + node + " Ready");

    Skiff.Result apply = skiff("apply", "-f", EXAMPLE.toString());
    assertEquals("deployment.apps/hello created\n", apply.out(), apply.err());
    Skiff.Result rollout = skiff("rollout", "status", "deployment/hello", "--timeout", "120s");
    assertEquals(0, rollout.code(), rollout.out() + rollout.err());
    Map<String, String> pods = podIps();
    assertEquals(2, pods.size(), pods.toString());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (var pod : pods.entrySet()) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.getValue() + ":8080/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("hello from " + pod.getKey() + ", a Skiff pod\n", page.body());
    }
    List<String> containers = podman("ps", "-q", "--no-trunc", "--filter", "label=io.skiff.node=" + node);

    assertTrue(server.stop(), "the server stops on SIGTERM"); // the agent stops, the containers keep running
    assertEquals(containers, podman("ps", "-q", "--no-trunc", "--filter", "label=io.skiff.node=" + node));
    server = ServerProcess.start(dir, "server.log", node, flags);
    until(() -> skiff("get", "node", node).out().contains(" Ready "), "node " + node + " Ready again");
    until(() -> skiff("get", "deployment", "hello").out().contains(" 2/2 "), "hello 2/2 again");
    assertEquals(pods, podIps(), "the same pods, at the same addresses");
    String listing = skiff("get", "pods", "-l", "app=hello").out();
    assertEquals(2, listing.lines().filter(l -> l.matches("hello-\\S+ +1/1 +Running +0 .*")).count(), listing);
    assertEquals(containers, podman("ps", "-q", "--no-trunc", "--filter", "label=io.skiff.node=" + node),
        "no container was restarted or duplicated");

    assertEquals(0, skiff("delete", "deployment", "hello").code());
    until(() -> podman("ps", "-aq", "--filter", "label=io.skiff.node=" + node).isEmpty(),
        "the garbage collector and the agent removed hello's containers");
  }

  /** Pod name → pod IP of the Deployment's pods, from {@code get pods -o wide}. */
  private Map<String, String> podIps() throws Exception {
    Map<String, String> ips = new TreeMap<>();
    List<String> lines = skiff("get", "pods", "-l", "app=hello", "-o", "wide").out().lines().toList();
    int ip = Arrays.asList(lines.get(0).split(" +")).indexOf("IP");
    for (String line : lines.subList(1, lines.size())) {
      String[] columns = line.split(" +");
      ips.put(columns[0], columns[ip]);
    }
    return ips;
  }

  private Skiff.Result skiff(String... args) throws IOException, InterruptedException {
    return new PackagedSkiff(dir).run(args);
  }

  /** The podman command on the same storage and configuration as the service the agent drives. */
  private static List<String> podman(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("podman"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("CONTAINERS_CONF", "/etc/skiff/containers.conf");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "podman " + command + " finished");
    assertEquals(0, process.exitValue(), "podman " + command);
    return out.lines().filter(l -> !l.isBlank()).sorted().toList();
  }

}
