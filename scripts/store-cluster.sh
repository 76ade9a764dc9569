#!/usr/bin/env bash
# Runs a three-peer Skiff store cluster (store servers only, no API) on loopback,
# as background processes.
#
#   scripts/store-cluster.sh up              start n1..n3 (builds first if needed), wait until healthy
#   scripts/store-cluster.sh down [--wipe]   stop them (TERM, then KILL); --wipe also deletes their data
#   scripts/store-cluster.sh status          show which peers run and whether their endpoints answer
#
# Peers (id: Raft address, etcd client address):
#   n1: 127.0.0.1:12380, 127.0.0.1:2379
#   n2: 127.0.0.1:22380, 127.0.0.1:22379
#   n3: 127.0.0.1:32380, 127.0.0.1:32379
#
# Environment:
#   SKIFF_RUN_DIR            pids, logs and data (default: .run/store-cluster in the repo, gitignored)
#   SKIFF_JAVA_OPTS          JVM options for every peer (default "-XX:+UseParallelGC": on 2 cores it gave
#                            ~40% more puts/s than G1, whose concurrent threads compete with the server)
#   SKIFF_STORE_WAIT_SECONDS how long `up` waits for every endpoint to be healthy (default 60)
#   SKIFF_STORE_STOP_SECONDS how long `down` waits after TERM before KILL (default 15)
#
# Health is checked with `etcdctl endpoint health` (Debian package etcd-client), which does a
# linearizable Range of the key "health" on each endpoint.
#
# The peers run --insecure (plaintext Raft and client port, no client authentication): the benchmarks
# that use this cluster compare it with a plaintext etcd, like with like.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=store-cluster
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/store-cluster}
MODULE=raft-store
JAR=$ROOT/raft-store/target/skiff-raft-store.jar
MAIN_CLASS=io.skiff.store.server.StoreServerMain
WAIT_SECONDS=${SKIFF_STORE_WAIT_SECONDS:-60}
STOP_SECONDS=${SKIFF_STORE_STOP_SECONDS:-15}

IDS=(n1 n2 n3)
declare -A RAFT_ADDR=([n1]=127.0.0.1:12380 [n2]=127.0.0.1:22380 [n3]=127.0.0.1:32380)
declare -A CLIENT_ADDR=([n1]=127.0.0.1:2379 [n2]=127.0.0.1:22379 [n3]=127.0.0.1:32379)

PEERS=$(for id in "${IDS[@]}"; do printf '%s=%s/%s,' "$id" "${RAFT_ADDR[$id]}" "${CLIENT_ADDR[$id]}"; done)
PEERS=${PEERS%,}
ENDPOINTS=$(for id in "${IDS[@]}"; do printf '%s,' "${CLIENT_ADDR[$id]}"; done)
ENDPOINTS=${ENDPOINTS%,}

# shellcheck source=lib/cluster.sh
source "$ROOT/scripts/lib/cluster.sh"

listen_addresses() { echo "${RAFT_ADDR[$1]} ${CLIENT_ADDR[$1]}"; }
server_args() { echo "--id $1 --peers $PEERS --data-dir $RUN_DIR/data/$1 --insecure"; }
healthy() {
  etcdctl --endpoints="${CLIENT_ADDR[$1]}" --dial-timeout=2s --command-timeout=3s endpoint health >/dev/null 2>&1
}
describe() { printf 'raft %-16s client %-16s' "${RAFT_ADDR[$1]}" "${CLIENT_ADDR[$1]}"; }

command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client); it checks the endpoints' health"
cluster_main "$@"
