#!/usr/bin/env bash
# Runs the all-in-one cluster, `skiff server`, as a background process: one master (a
# single-peer store, the API, the scheduler and the controllers) and this machine's node
# agent, which runs pods through Podman (scripts/podman-setup.sh starts Podman's API service).
#
#   scripts/server.sh up              start it (builds first if needed), wait until it serves
#   scripts/server.sh down [--wipe]   stop it (TERM, then KILL); its containers keep running, and a
#                                     restart adopts them. --wipe also deletes its data and removes
#                                     the containers it ran.
#   scripts/server.sh status          show whether it runs and answers
#
# Ports: API 0.0.0.0:6443, store (etcd API) 127.0.0.1:2379, Raft 127.0.0.1:2380, agent 10250.
# Secure by default: the cluster CA and certificates are in $SKIFF_RUN_DIR/data/NODE/pki, and the
# admin's CLI config in $SKIFF_RUN_DIR/data/NODE/admin.yaml (skiff --config FILE, or the quickstart's
# context "local"). SKIFF_INSECURE=1: plaintext and no authentication (the server warns).
#
# Environment:
#   SKIFF_NODE_NAME          the node's name (default: this machine's hostname, lower-cased)
#   SKIFF_PODMAN_SOCKET      Podman's API socket (default /run/skiff/podman.sock)
#   SKIFF_RUN_DIR            pid, log and data (default: .run/server in the repo, gitignored)
#   SKIFF_JAVA_OPTS          JVM options (default "-XX:+UseParallelGC")
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=server
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/server}
MODULE=cli
JAR=$ROOT/cli/target/skiff-cli.jar
MAIN_CLASS=io.skiff.cli.SkiffMain
WAIT_SECONDS=${SKIFF_SERVER_WAIT_SECONDS:-90}
STOP_SECONDS=${SKIFF_SERVER_STOP_SECONDS:-20}

NODE=${SKIFF_NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}
SOCKET=${SKIFF_PODMAN_SOCKET:-/run/skiff/podman.sock}
API=0.0.0.0:6443 STORE=127.0.0.1:2379 RAFT=127.0.0.1:2380 AGENT_PORT=10250
IDS=("$NODE")
ENDPOINTS=127.0.0.1:6443

# shellcheck source=lib/cluster.sh
source "$ROOT/scripts/lib/cluster.sh"

listen_addresses() { echo "127.0.0.1:6443 $STORE $RAFT 127.0.0.1:$AGENT_PORT"; }
server_args() {
  echo "server --node-name $1 --data-dir $RUN_DIR/data/$1 --api-address $API --store-address $STORE" \
    "--raft-address $RAFT --agent-port $AGENT_PORT --podman-socket $SOCKET$([[ ${SKIFF_INSECURE:-0} == 1 ]] && echo " --insecure")"
}
healthy() { port_open 127.0.0.1:6443 && port_open "127.0.0.1:$AGENT_PORT"; }
describe() { printf 'node %-20s api %s store %s agent %s' "$1" "$API" "$STORE" "$AGENT_PORT"; }

case ${1:-} in
  up) [[ -S $SOCKET ]] || die "no Podman socket at $SOCKET; run scripts/podman-setup.sh (as root) first" ;;
  down) if [[ ${2:-} == --wipe ]]; then trap 'remove_node_containers "$NODE"' EXIT; fi ;;
esac
cluster_main "$@"
