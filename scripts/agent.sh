#!/usr/bin/env bash
# Runs a Skiff node agent on this machine as a background process: it registers
# this machine as a Node with the masters and runs the pods bound to it through
# Podman (scripts/podman-setup.sh starts Podman's API service).
#
#   scripts/agent.sh up              start the agent (builds first if needed), wait until its node is served
#   scripts/agent.sh down [--wipe]   stop it (TERM, then KILL); its containers keep running (a restarted
#                                    agent adopts them); --wipe removes them
#   scripts/agent.sh status          show whether it runs and answers
#
# Environment:
#   SKIFF_MASTERS            the masters' API endpoints (default 127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445)
#   SKIFF_NODE_NAME          the node's name (default: this machine's hostname, lower-cased)
#   SKIFF_AGENT_PORT         the agent's gRPC port, where masters fetch logs (default 10250)
#   SKIFF_PODMAN_SOCKET      Podman's API socket (default /run/skiff/podman.sock)
#   SKIFF_RUN_DIR            pid and log (default: .run/agent in the repo, gitignored)
#   SKIFF_JAVA_OPTS          JVM options (default "-XX:+UseParallelGC")
#   SKIFF_JOIN_TOKEN, SKIFF_CA_CERT_HASH  a join-agent token and the CA's hash (skiff token create
#                            --purpose join-agent): on first start the agent fetches its certificate
#                            into $SKIFF_RUN_DIR/pki with them; later starts use it
#   SKIFF_INSECURE=1         plaintext, for masters started with --insecure
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=agent
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/agent}
MODULE=node-agent
JAR=$ROOT/node-agent/target/skiff-node-agent.jar
MAIN_CLASS=io.skiff.agent.AgentMain
WAIT_SECONDS=${SKIFF_AGENT_WAIT_SECONDS:-60}
STOP_SECONDS=${SKIFF_AGENT_STOP_SECONDS:-15}

MASTERS=${SKIFF_MASTERS:-127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445}
NODE=${SKIFF_NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}
PORT=${SKIFF_AGENT_PORT:-10250}
SOCKET=${SKIFF_PODMAN_SOCKET:-/run/skiff/podman.sock}
IDS=("$NODE")
ENDPOINTS=127.0.0.1:$PORT

# shellcheck source=lib/cluster.sh
source "$ROOT/scripts/lib/cluster.sh"

listen_addresses() { echo "127.0.0.1:$PORT"; }
if [[ ${SKIFF_INSECURE:-0} == 1 ]]; then SECURITY="--insecure"; else
  SECURITY="--cert-dir $RUN_DIR/pki${SKIFF_JOIN_TOKEN:+ --token $SKIFF_JOIN_TOKEN}${SKIFF_CA_CERT_HASH:+ --ca-cert-hash $SKIFF_CA_CERT_HASH}"; fi
server_args() { echo "--node-name $1 --masters $MASTERS --port $PORT --podman-socket $SOCKET $SECURITY"; }
healthy() { port_open "127.0.0.1:$PORT"; }
describe() { printf 'node %-20s port %-6s masters %s' "$1" "$PORT" "$MASTERS"; }

case ${1:-} in
  up) [[ -S $SOCKET ]] || die "no Podman socket at $SOCKET; run scripts/podman-setup.sh (as root) first" ;;
  down) if [[ ${2:-} == --wipe ]]; then trap 'remove_node_containers "$NODE"' EXIT; fi ;;
esac
cluster_main "$@"
