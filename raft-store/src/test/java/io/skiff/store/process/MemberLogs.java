package io.skiff.store.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Keeps the members' logs of a failed run, which closing the cluster would delete with its data. */
final class MemberLogs {

  private MemberLogs() {
  }

  /** Copies each member's log to {@code target/member-logs/<test>/<member>.log}; returns that directory. */
  static Path keep(StoreCluster cluster, String test) {
    Path dir = Path.of("target", "member-logs", test);
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < cluster.size(); i++) {
        if (Files.exists(cluster.logFile(i))) {
          Files.copy(cluster.logFile(i), dir.resolve(cluster.memberName(i) + ".log"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      return Path.of("(member logs not kept: " + e + ")");
    }
    return dir.toAbsolutePath();
  }
}
