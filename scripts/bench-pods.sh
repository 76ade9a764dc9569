#!/usr/bin/env bash
# Pod start-up benchmark (see docs/pod-benchmark.md): one master process and one node agent
# process on loopback, over the local Podman service (scripts/podman-setup.sh). Runs
# io.skiff.agent.bench.PodStartupBenchmark: N busybox `sleep 3600` pods one at a time, from Create
# acknowledged to Running seen by a watch, p50/p99; the agent's memory with the N pods; the same
# pods through the same Podman socket with no Skiff, p50/p99; the ratio. Cleans everything up.
#
#   scripts/bench-pods.sh            (builds first if the jars are missing)
#
# Environment:
#   SKIFF_BENCH_PODS      how many pods (default 50)
#   SKIFF_PODMAN_SOCKET   Podman's API socket (default /run/skiff/podman.sock)
#   SKIFF_BENCH_IMAGE     the image (default localhost/busybox:latest; must be present)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PODS=${SKIFF_BENCH_PODS:-50}
SOCKET=${SKIFF_PODMAN_SOCKET:-/run/skiff/podman.sock}
IMAGE=${SKIFF_BENCH_IMAGE:-localhost/busybox:latest}
MASTER_JAR=$ROOT/control-plane/target/skiff-control-plane.jar
AGENT_JAR=$ROOT/node-agent/target/skiff-node-agent.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

if [[ ! -f $MASTER_JAR || ! -f $AGENT_JAR || ! -d $ROOT/node-agent/target/lib ]]; then
  (cd "$ROOT" && mvn -B -ntp -q -o install -DskipTests)
fi
[[ -S $SOCKET ]] || { echo "bench-pods: no Podman socket at $SOCKET (run scripts/podman-setup.sh)" >&2; exit 1; }

RUN=bench-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-$RUN.XXXXXX")
read -r RAFT_PORT STORE_PORT API_PORT AGENT_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()')
MASTER_PID=""
AGENT_PID=""

podman_api() { curl -s --unix-socket "$SOCKET" "$@"; }
cleanup() {
  set +e
  [[ -n $AGENT_PID ]] && kill -9 "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
  [[ -n $MASTER_PID ]] && kill -9 "$MASTER_PID" 2>/dev/null && wait "$MASTER_PID" 2>/dev/null
  # whatever the agent or the raw run left: pods labelled with this run's node or bench label
  for filter in "io.skiff.node=$RUN" "io.skiff.bench=$RUN"; do
    for id in $(podman_api -G "http://d/v4.0.0/libpod/pods/json" --data-urlencode \
        "filters={\"label\":[\"$filter\"]}" | python3 -c 'import json,sys; [print(p["Id"]) for p in json.load(sys.stdin) or []]'); do
      podman_api -X DELETE "http://d/v4.0.0/libpod/pods/$id?force=true&timeout=0" >/dev/null
    done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 130" INT TERM

# plaintext (--insecure) master, agent and client: the benchmark compares pod start-up with raw Podman,
# which TLS on the API does not enter into (scripts/bench-api.sh measures what TLS costs the API)
echo "bench-pods: master on 127.0.0.1:$API_PORT, agent node $RUN, $PODS pods; logs in $WORK"
"$JAVA" -Xmx512m -XX:+UseSerialGC -cp "$MASTER_JAR:$ROOT/control-plane/target/lib/*" \
  io.skiff.controlplane.master.MasterMain --id m1 --peers "m1=127.0.0.1:$RAFT_PORT/127.0.0.1:$STORE_PORT" \
  --data-dir "$WORK/master" --api-address "127.0.0.1:$API_PORT" --insecure >"$WORK/master.log" 2>&1 &
MASTER_PID=$!
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$API_PORT") 2>/dev/null && break
  kill -0 "$MASTER_PID" 2>/dev/null || { echo "bench-pods: the master exited" >&2; tail -30 "$WORK/master.log" >&2; exit 1; }
  sleep 0.5
done

"$JAVA" -Xmx256m -XX:+UseSerialGC -cp "$AGENT_JAR:$ROOT/node-agent/target/lib/*" io.skiff.agent.AgentMain \
  --masters "127.0.0.1:$API_PORT" --node-name "$RUN" --port "$AGENT_PORT" --podman-socket "$SOCKET" --insecure \
  >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!

"$JAVA" -Xmx256m -cp "$AGENT_JAR:$ROOT/node-agent/target/lib/*" io.skiff.agent.bench.PodStartupBenchmark \
  --masters "127.0.0.1:$API_PORT" --node "$RUN" --pods "$PODS" --socket "$SOCKET" --image "$IMAGE" --insecure \
  --agent-pid "$AGENT_PID" || { echo "bench-pods: failed; agent log:" >&2; tail -40 "$WORK/agent.log" >&2; exit 1; }
