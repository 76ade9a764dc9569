package io.skiff.store.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skiff.store.bench.BenchOptions.Endpoint;
import io.skiff.store.bench.BenchOptions.UsageException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover client's command line: what the script passes, and clear errors for what it must not. */
class FailoverOptionsTest {
  private static final String ENDPOINTS = "127.0.0.1:2381,127.0.0.1:22381,127.0.0.1:32381";
  private static final String PIDS = "127.0.0.1:2381=101,127.0.0.1:22381=102,127.0.0.1:32381=103";

  @Test
  void readsTheScriptsCommandLine() throws UsageException {
    FailoverOptions o = FailoverOptions.parse(new String[] {"--endpoints", ENDPOINTS, "--pids", PIDS,
        "--round", "3", "--label", "etcd", "--max-seconds", "60", "--interval-ms=20"});

    assertEquals(List.of(new Endpoint("127.0.0.1", 2381), new Endpoint("127.0.0.1", 22381),
        new Endpoint("127.0.0.1", 32381)), o.endpoints);
    assertEquals(Map.of(new Endpoint("127.0.0.1", 2381), 101L, new Endpoint("127.0.0.1", 22381), 102L,
        new Endpoint("127.0.0.1", 32381), 103L), o.pids);
    assertEquals(3, o.round);
    assertEquals("etcd", o.label);
    assertEquals(20, o.intervalMs);
    assertEquals(5_000, o.timeoutMs);
  }

  @Test
  void refusesAnEndpointWithoutItsPid() {
    UsageException e = assertThrows(UsageException.class, () -> FailoverOptions.parse(new String[] {
        "--endpoints", ENDPOINTS, "--pids", "127.0.0.1:2381=101,127.0.0.1:22381=102"}));
    assertEquals("--pids gives no pid for endpoint 127.0.0.1:32381", e.getMessage());
  }

  @Test
  void refusesAPidForAnEndpointNotListed() {
    UsageException e = assertThrows(UsageException.class, () -> FailoverOptions.parse(new String[] {
        "--endpoints", ENDPOINTS, "--pids", PIDS + ",127.0.0.1:9999=104"}));
    assertEquals("--pids names 127.0.0.1:9999, which is not one of --endpoints", e.getMessage());
  }

  @Test
  void refusesAMalformedPid() {
    UsageException e = assertThrows(UsageException.class, () -> FailoverOptions.parse(new String[] {
        "--endpoints", ENDPOINTS, "--pids", "127.0.0.1:2381=abc"}));
    assertEquals("--pids wants host:port=PID,..., not 127.0.0.1:2381=abc", e.getMessage());
  }

  @Test
  void refusesFewerThanThreeMembers() {
    UsageException e = assertThrows(UsageException.class, () -> FailoverOptions.parse(new String[] {
        "--endpoints", "127.0.0.1:2381,127.0.0.1:22381", "--pids", "127.0.0.1:2381=1,127.0.0.1:22381=2"}));
    assertEquals("--endpoints needs at least three members (a leader to kill and a majority left), not 2",
        e.getMessage());
  }

  @Test
  void refusesARoundTooShortForOnePut() {
    UsageException e = assertThrows(UsageException.class, () -> FailoverOptions.parse(new String[] {
        "--endpoints", ENDPOINTS, "--pids", PIDS, "--max-seconds", "5"}));
    assertEquals("--max-seconds must leave room for --lead-in-ms and one put's --timeout-ms", e.getMessage());
  }
}
