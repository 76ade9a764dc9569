#!/usr/bin/env bash
# Runs simulated ("hollow") nodes on this machine as one background process, as Kubernetes'
# Kubemark does: each is the real agent's control loop (registration, Ready heartbeats, Lease
# renewals, pod sync, status writes) over an in-memory container engine whose containers run until
# their pods go. For scale tests and benchmarks of the masters and the scheduler.
#
#   scripts/hollow-nodes.sh up              start them (builds first if needed), wait until all are registered
#   scripts/hollow-nodes.sh down            stop them (TERM, then KILL); their Nodes stay on the masters
#   scripts/hollow-nodes.sh status          show whether the process runs and answers
#
# Environment:
#   SKIFF_MASTERS            the masters' API endpoints (default 127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445)
#   SKIFF_HOLLOW_COUNT       how many nodes (default 100)
#   SKIFF_HOLLOW_PREFIX      node names are PREFIX-0000, PREFIX-0001 ... (default hollow)
#   SKIFF_HOLLOW_CPU         each node's cpu capacity (default 4)
#   SKIFF_HOLLOW_MEMORY      each node's memory capacity (default 16Gi)
#   SKIFF_HOLLOW_PODS        each node's pod capacity (default 110)
#   SKIFF_HOLLOW_LABELS      labels on every node, K=V,... (default none)
#   SKIFF_HOLLOW_PORT        the nodes' shared log server, which the masters ask for logs (default 10350)
#   SKIFF_RUN_DIR            pid and log (default: .run/hollow-nodes in the repo, gitignored)
#   SKIFF_PKI                the masters' PKI directory: the nodes call them with its admin certificate
#                            (default: .run/master-cluster/pki, as scripts/master-cluster.sh makes it)
#   SKIFF_INSECURE=1         plaintext, for masters started with --insecure
#   SKIFF_HOLLOW_WAIT_SECONDS how long `up` waits for every node to register (default 300)
#   SKIFF_JAVA_OPTS          JVM options (default "-XX:+UseParallelGC", plus the hollow nodes' quiet logging)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=hollow-nodes
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/hollow-nodes}
MODULE=node-agent
JAR=$ROOT/node-agent/target/skiff-node-agent.jar
MAIN_CLASS=io.skiff.agent.hollow.HollowNodesMain
WAIT_SECONDS=${SKIFF_HOLLOW_WAIT_SECONDS:-300}
STOP_SECONDS=${SKIFF_HOLLOW_STOP_SECONDS:-30}
SKIFF_JAVA_OPTS=${SKIFF_JAVA_OPTS:--XX:+UseParallelGC -Dlogback.configurationFile=hollow-logback.xml}

MASTERS=${SKIFF_MASTERS:-127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445}
PREFIX=${SKIFF_HOLLOW_PREFIX:-hollow}
COUNT=${SKIFF_HOLLOW_COUNT:-100}
PORT=${SKIFF_HOLLOW_PORT:-10350}
IDS=("$PREFIX")
ENDPOINTS=127.0.0.1:$PORT

# shellcheck source=lib/cluster.sh
source "$ROOT/scripts/lib/cluster.sh"

PKI=${SKIFF_PKI:-$ROOT/.run/master-cluster/pki}
if [[ ${SKIFF_INSECURE:-0} == 1 ]]; then SECURITY="--insecure"; else
  SECURITY="--ca-file $PKI/ca.crt --cert-file $PKI/admin.crt --key-file $PKI/admin.key"; fi
listen_addresses() { echo "127.0.0.1:$PORT"; }
server_args() {
  echo "--prefix $1 --masters $MASTERS --count $COUNT --cpu ${SKIFF_HOLLOW_CPU:-4}" \
    "--memory ${SKIFF_HOLLOW_MEMORY:-16Gi} --pods ${SKIFF_HOLLOW_PODS:-110} --port $PORT" \
    "${SKIFF_HOLLOW_LABELS:+--labels $SKIFF_HOLLOW_LABELS} $SECURITY"
}
# healthy once every node has registered: the process says so in its log, after its latest start
healthy() {
  port_open "127.0.0.1:$PORT" \
    && tac "$(log_file "$1")" 2>/dev/null | sed '/^==== .* starting /q' | grep -q 'hollow nodes registered in'
}
describe() { printf 'nodes %s-0000.. (%s)  logs port %-6s masters %s' "$1" "$COUNT" "$PORT" "$MASTERS"; }

cluster_main "$@"
