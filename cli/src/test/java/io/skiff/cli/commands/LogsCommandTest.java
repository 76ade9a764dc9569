package io.skiff.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.cli.testing.CliTest;
import io.skiff.cli.testing.Fixtures;
import io.skiff.cli.testing.Skiff;
import org.junit.jupiter.api.Test;

/**
 * skiff logs. No node agent runs in these tests: the master says the pod's
 * node has none to ask, and the command says so in one line. (The logs
 * themselves, relayed from real agents, are node-agent's tests.)
 */
class LogsCommandTest extends CliTest {
  @Test
  void aPodWithoutAnAgentIsOneClearError() {
    Fixtures.pod(namespace, "web", "node-1");
    Skiff.Result result = skiff.run("logs", "web", "--tail=10");
    assertEquals(1, result.code());
    assertEquals("", result.out());
    assertEquals("error: node node-1 of pod " + namespace + "/web is not registered: no agent to ask for logs\n",
        result.err());
  }

  @Test
  void containersAreChosenAsKubectlChoosesThem() {
    Fixtures.pod(namespace, "two", "node-1", "app", "sidecar");
    Skiff.Result none = skiff.run("logs", "two");
    assertEquals("error: a container name must be given for pod two (-c NAME); choose one of: [app, sidecar]\n",
        none.err());
    assertEquals("error: container nope is not valid for pod two; choose one of: [app, sidecar]\n",
        skiff.run("logs", "two", "-c", "nope").err());
    assertEquals("error: node node-1 of pod " + namespace + "/two is not registered: no agent to ask for logs\n",
        skiff.run("logs", "pod/two", "sidecar", "-f").err());
    assertEquals("error: pods \"missing\" not found\n", skiff.run("logs", "missing").err());
  }
}
