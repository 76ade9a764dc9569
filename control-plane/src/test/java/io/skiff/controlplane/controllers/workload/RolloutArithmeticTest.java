package io.skiff.controlplane.controllers.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Counts;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Fenceposts;
import io.skiff.controlplane.controllers.workload.RolloutArithmetic.Sized;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rollout's counting, by table. A ReplicaSet is written
 * "replicas/pods/available" (spec, status.replicas, status.availableReplicas);
 * lists are separated by spaces, oldest first.
 */
class RolloutArithmeticTest {
  @ParameterizedTest(name = "surge {0}, unavailable {1} of {2} -> {3}, {4}")
  @CsvSource({
      "25%, 25%, 10, 3, 2",    // surge rounds up, unavailability down
      "1, 0, 5, 1, 0",
      "100%, 0, 4, 4, 0",
      "10%, 10%, 3, 1, 0",     // 0.3 rounds up to 1 surge, down to 0 unavailable
      "0%, 10%, 3, 0, 1",      // both round to 0: one may be unavailable, or the rollout could not move
      "0, 100%, 0, 0, 1",
  })
  void fenceposts(String surge, String unavailable, int desired, int maxSurge, int maxUnavailable) {
    assertEquals(new Fenceposts(maxSurge, maxUnavailable), RolloutArithmetic.fenceposts(surge, unavailable, desired));
  }

  @ParameterizedTest(name = "maxUnavailable {0} of {1} -> {2}")
  @CsvSource({"2, 5, 2", "7, 5, 5", "1, 0, 0"})
  void maxUnavailableNeverExceedsTheReplicas(int unavailable, int desired, int expected) {
    assertEquals(expected, RolloutArithmetic.maxUnavailable(new Fenceposts(0, unavailable), desired));
  }

  @ParameterizedTest(name = "{0}: desired {1}, surge {2}, new {3}, old {4} -> {5}")
  @CsvSource({
      "a new deployment starts whole,         5, 2, 0/0/0, '',    5",
      "a rollout starts with the surge,       5, 1, 0/0/0, 5/5/5, 1",
      "at the surge limit nothing is added,   5, 1, 1/0/0, 5/5/5, 1",
      "old pods not yet gone still count,     5, 1, 1/1/0, 4/5/5, 1",
      "once they are gone the new one grows,  5, 1, 1/1/0, 4/4/4, 2",
      "never beyond the desired replicas,     3, 3, 2/2/2, 1/1/1, 3",
      "nothing to surge with,                 4, 0, 0/0/0, 4/4/4, 0",
  })
  void newReplicaSetReplicas(String why, int desired, int surge, String newRs, String old, int expected) {
    Counts created = counts(newRs).get(0);
    List<Counts> all = new java.util.ArrayList<>(counts(old));
    all.add(created);
    assertEquals(expected, RolloutArithmetic.newReplicaSetReplicas(desired, surge, created, all), why);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "the first old pod goes as the surge starts,      5, 1, 1/0/0, 5/5/5,       4",
      "new pods not available hold the old ones,        5, 1, 2/2/0, 4/4/4,       4",
      "available new pods let as many old ones go,      5, 1, 2/2/2, 4/4/4,       2",
      "unavailable old pods go first and free,          4, 1, 1/1/0, 2/2/0 3/3/3, 0 3",
      "a stale report of available pods is not trusted, 5, 1, 1/1/1, 4/5/5,       3",
      "the oldest replica set goes first,               5, 2, 0/0/0, 2/2/2 3/3/3, 0 3",
      "with nothing old there is nothing to do,                      3, 1, 3/3/3, 0/0/0,       0",
  })
  void oldReplicaSetReplicas(String why, int desired, int maxUnavailable, String newRs, String old, String expected) {
    assertEquals(ints(expected), RolloutArithmetic.oldReplicaSetReplicas(desired, maxUnavailable,
        counts(newRs).get(0), counts(old)), why);
  }

  /** Replica sets written "replicas/annotated max replicas", oldest first. */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "scaling up is shared in proportion,           15, 4, 13, 8/13 5/13, 12 7",
      "scaling down is shared in proportion,         5,  2, 13, 8/13 5/13, 4 3",
      "to zero every replica set goes to zero,      0,  3, 13, 8/13 5/13, 0 0",
      "up among equals the newer grows,             5,  0, 4,  2/4 2/4,   2 3",
      "down among equals the older shrinks,         3,  0, 4,  2/4 2/4,   1 2",
      "without annotations the status size is used, 15, 4, 13, 8/0 5/0,   12 7",
  })
  void proportionalReplicas(String why, int desired, int surge, int before, String sized, String expected) {
    String[] items = sized.split(" ");
    List<Sized> active = new java.util.ArrayList<>();
    for (int i = 0; i < items.length; i++) {
      String[] parts = items[i].split("/");
      active.add(new Sized(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), i));
    }
    assertEquals(ints(expected), RolloutArithmetic.proportionalReplicas(desired, surge, before, active), why);
  }

  private static List<Counts> counts(String list) {
    return Arrays.stream(list.trim().split(" ")).filter(s -> !s.isEmpty()).map(s -> {
      String[] parts = s.split("/");
      return new Counts(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }).toList();
  }

  private static List<Integer> ints(String list) {
    return Arrays.stream(list.trim().split(" ")).map(Integer::parseInt).toList();
  }
}
