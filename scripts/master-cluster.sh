#!/usr/bin/env bash
# Runs Skiff masters on loopback as background processes: three by default (an
# HA cluster: each a store peer, an etcd endpoint and the Skiff API), or one.
#
#   scripts/master-cluster.sh up              start m1..m3 (builds first if needed), wait until healthy
#   scripts/master-cluster.sh down [--wipe]   stop them (TERM, then KILL); --wipe also deletes their data
#   scripts/master-cluster.sh status          show which masters run and whether they answer
#
# Masters (id: Raft, etcd clients, Skiff API):
#   m1: 127.0.0.1:12380, 127.0.0.1:2379, 127.0.0.1:6443
#   m2: 127.0.0.1:22380, 127.0.0.1:22379, 127.0.0.1:6444
#   m3: 127.0.0.1:32380, 127.0.0.1:32379, 127.0.0.1:6445
#
# Environment:
#   SKIFF_MASTERS            1 or 3 (default 3)
#   SKIFF_RUN_DIR            pids, logs and data (default: .run/master-cluster in the repo, gitignored)
#   SKIFF_JAVA_OPTS          JVM options for every master (default "-XX:+UseParallelGC")
#   SKIFF_MASTER_WAIT_SECONDS how long `up` waits for every master (default 90)
#   SKIFF_MASTER_STOP_SECONDS how long `down` waits after TERM before KILL (default 15)
#   SKIFF_INSECURE=1         plaintext and no authentication (the masters warn); default: TLS
#
# Secure by default: the masters share one PKI directory, $SKIFF_RUN_DIR/pki (the first to start
# creates the cluster CA there; each issues its own certificate; admin.crt/admin.key are the
# administrator's client certificate). A master is healthy when its store endpoint answers
# `etcdctl endpoint health` (with the admin certificate) and its API port accepts connections (it
# opens only once its watch caches are loaded).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=master-cluster
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/master-cluster}
MODULE=control-plane
JAR=$ROOT/control-plane/target/skiff-control-plane.jar
MAIN_CLASS=io.skiff.controlplane.master.MasterMain
WAIT_SECONDS=${SKIFF_MASTER_WAIT_SECONDS:-90}
STOP_SECONDS=${SKIFF_MASTER_STOP_SECONDS:-15}

case ${SKIFF_MASTERS:-3} in
  1) IDS=(m1) ;;
  3) IDS=(m1 m2 m3) ;;
  *) echo "master-cluster: SKIFF_MASTERS must be 1 or 3" >&2; exit 2 ;;
esac
declare -A RAFT_ADDR=([m1]=127.0.0.1:12380 [m2]=127.0.0.1:22380 [m3]=127.0.0.1:32380)
declare -A CLIENT_ADDR=([m1]=127.0.0.1:2379 [m2]=127.0.0.1:22379 [m3]=127.0.0.1:32379)
declare -A API_ADDR=([m1]=127.0.0.1:6443 [m2]=127.0.0.1:6444 [m3]=127.0.0.1:6445)

PEERS=$(for id in "${IDS[@]}"; do printf '%s=%s/%s,' "$id" "${RAFT_ADDR[$id]}" "${CLIENT_ADDR[$id]}"; done)
PEERS=${PEERS%,}
ENDPOINTS=$(for id in "${IDS[@]}"; do printf '%s,' "${API_ADDR[$id]}"; done)
ENDPOINTS=${ENDPOINTS%,}

# shellcheck source=lib/cluster.sh
source "$ROOT/scripts/lib/cluster.sh"

listen_addresses() { echo "${RAFT_ADDR[$1]} ${CLIENT_ADDR[$1]} ${API_ADDR[$1]}"; }
PKI=$RUN_DIR/pki
if [[ ${SKIFF_INSECURE:-0} == 1 ]]; then SECURITY="--insecure" ETCDCTL_TLS=(); else
  SECURITY="--pki-dir $PKI" ETCDCTL_TLS=(--cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key"); fi
server_args() {
  echo "--id $1 --peers $PEERS --data-dir $RUN_DIR/data/$1 --api-address ${API_ADDR[$1]} $SECURITY"
}
healthy() {
  port_open "${API_ADDR[$1]}" && etcdctl --endpoints="${CLIENT_ADDR[$1]}" "${ETCDCTL_TLS[@]}" --dial-timeout=2s \
    --command-timeout=3s endpoint health >/dev/null 2>&1
}
describe() { printf 'raft %-16s store %-16s api %-16s' "${RAFT_ADDR[$1]}" "${CLIENT_ADDR[$1]}" "${API_ADDR[$1]}"; }

command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client); it checks the stores' health"
cluster_main "$@"
