package io.skiff.cli;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.skiff.api.v1.ClusterGrpc;
import io.skiff.api.v1.GetRequest;
import io.skiff.api.v1.ListMeta;
import io.skiff.api.v1.ListRequest;
import io.skiff.api.v1.Pod;
import io.skiff.api.v1.PodList;
import io.skiff.api.v1.PodsGrpc;
import io.skiff.api.v1.VersionInfo;
import io.skiff.api.v1.VersionRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * The run that the class data sharing archive is made from (the launcher
 * runs it once, with -XX:ArchiveClassesAtExit, at build time): the commands
 * people run most, against a stand-in master in this JVM, so the archive holds
 * the classes of parsing, gRPC calls, manifests and tables. Its output is
 * thrown away.
 */
final class CdsTraining {
  private static final String MANIFEST = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels: {app: web}
      spec:
        replicas: 2
        selector:
          matchLabels: {app: web}
        template:
          metadata:
            labels: {app: web}
          spec:
            containers:
            - name: web
              image: localhost/busybox:latest
              ports:
              - containerPort: 80
              resources:
                requests: {cpu: 100m, memory: 32Mi}
      """;

  private CdsTraining() {
  }

  static void run() {
    Server server;
    try {
      server = NettyServerBuilder.forPort(0).addService(new Pods()).addService(new Cluster()).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      String endpoint = "127.0.0.1:" + server.getPort();
      run(null, "--help");
      run(null, "get", "--help");
      run(null, "version", "-s", endpoint);
      run(null, "get", "pods", "-s", endpoint);
      run(null, "get", "po", "-o", "yaml", "-s", endpoint);
      run(MANIFEST, "apply", "--dry-run", "-f", "-", "-s", endpoint);
    } finally {
      server.shutdownNow();
    }
  }

  private static void run(String stdin, String... args) {
    InputStream in = new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8));
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    SkiffMain.run(new Cli(in, sink, sink, Map.of(), Clock.systemUTC()), args);
  }

  private static final class Pods extends PodsGrpc.PodsImplBase {
    @Override
    public void list(ListRequest request, StreamObserver<PodList> observer) {
      observer.onNext(PodList.newBuilder().setMetadata(ListMeta.newBuilder().setResourceVersion(1)).build());
      observer.onCompleted();
    }

    @Override
    public void get(GetRequest request, StreamObserver<Pod> observer) {
      observer.onError(Status.NOT_FOUND.withDescription("pods \"" + request.getName() + "\" not found")
          .asRuntimeException());
    }
  }

  private static final class Cluster extends ClusterGrpc.ClusterImplBase {
    @Override
    public void version(VersionRequest request, StreamObserver<VersionInfo> observer) {
      observer.onNext(VersionInfo.newBuilder().setVersion("training").build());
      observer.onCompleted();
    }
  }
}
