package io.skiff.store.etcd;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java reports a request message that does not parse by logging the
 * exception, with its stack trace, at SEVERE through java.util.logging — so any
 * client could flood a peer's log. The call itself is already closed with an
 * error status; this turns each such report into one WARN line.
 */
public final class GrpcLogging {
  /** The executors that run call listeners and log what a listener throws. */
  private static final String[] RUNNABLE_LOGGERS = {
      "io.grpc.internal.SerializeReentrantCallsDirectExecutor", "io.grpc.internal.SerializingExecutor"};
  /** Strong references: java.util.logging keeps only weak ones to configured loggers. */
  private static final Logger[] CONFIGURED = new Logger[RUNNABLE_LOGGERS.length];

  private GrpcLogging() {
  }

  public static synchronized void shortenCallFailures() {
    org.slf4j.Logger log = LoggerFactory.getLogger(GrpcLogging.class);
    for (int i = 0; i < RUNNABLE_LOGGERS.length; i++) {
      if (CONFIGURED[i] != null) {
        continue;
      }
      Logger jul = Logger.getLogger(RUNNABLE_LOGGERS[i]);
      jul.setUseParentHandlers(false);
      jul.addHandler(new Handler() {
        @Override
        public void publish(LogRecord record) {
          Throwable thrown = record.getThrown();
          log.warn("gRPC call failed in the transport: {}", thrown != null ? thrown.toString() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
      });
      CONFIGURED[i] = jul;
    }
  }
}
