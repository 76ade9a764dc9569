#!/usr/bin/env bash
# Starts a three-master HA cluster and two node agents on this machine, points the skiff command
# at all three masters (context "ha"), and waits until every master is healthy and both nodes
# are Ready. Safe to run again. Stop it with scripts/cluster-down.sh [--wipe].
#
# Masters (scripts/master-cluster.sh): API 127.0.0.1:6443/6444/6445, store (etcd API)
# 2379/22379/32379, Raft 12380/22380/32380. Agents (scripts/agent.sh): nodes <host>-a and
# <host>-b on ports 10250 and 10251, both running their pods through this machine's Podman.
# Across machines, run one `skiff server --peers ...` per master and `skiff agent` per worker
# instead (see the README).
#
# Secure by default (SKIFF_INSECURE=1: plaintext, no authentication): the masters share a cluster CA
# in .run/master-cluster/pki, context "ha" uses its admin certificate, and the agents join with a
# join-agent token made here (their certificates land in .run/agent-*/pki; later starts reuse them).
#
# Environment: SKIFF_RUN_DIR (default .run in the repo) and SKIFF_JAVA_OPTS, as the scripts above.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUN=${SKIFF_RUN_DIR:-$ROOT/.run}
HOST=$(hostname | tr '[:upper:]' '[:lower:]')
MASTERS=127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445

SKIFF_RUN_DIR=$RUN/master-cluster SKIFF_MASTERS=3 bash scripts/master-cluster.sh up
PKI=$RUN/master-cluster/pki
if [[ ${SKIFF_INSECURE:-0} == 1 ]]; then
  scripts/skiff config set-context ha --endpoints "$MASTERS" --namespace default --insecure >/dev/null
else
  scripts/skiff config set-context ha --endpoints "$MASTERS" --namespace default --certificate-authority "$PKI/ca.crt" \
    --client-certificate "$PKI/admin.crt" --client-key "$PKI/admin.key" >/dev/null
fi
scripts/skiff config use-context ha >/dev/null
echo "cluster-up: skiff now uses context \"ha\" ($MASTERS)"

for agent in a:10250 b:10251; do
  if [[ ${SKIFF_INSECURE:-0} != 1 && ! -f $RUN/agent-${agent%:*}/pki/node.crt ]]; then
    # a token for this join only: it expires in ten minutes
    created=$(scripts/skiff token create --purpose join-agent --ttl 10m --description "cluster-up $HOST-${agent%:*}")
    export SKIFF_JOIN_TOKEN SKIFF_CA_CERT_HASH
    SKIFF_JOIN_TOKEN=$(awk '/shown this once/ { getline; print $1 }' <<<"$created")
    SKIFF_CA_CERT_HASH=$(awk '/CA.s hash:/ { print $NF }' <<<"$created")
  fi
  SKIFF_RUN_DIR=$RUN/agent-${agent%:*} SKIFF_NODE_NAME=$HOST-${agent%:*} SKIFF_AGENT_PORT=${agent#*:} \
    SKIFF_MASTERS=$MASTERS bash scripts/agent.sh up
  unset SKIFF_JOIN_TOKEN SKIFF_CA_CERT_HASH
done

for node in "$HOST-a" "$HOST-b"; do
  for _ in $(seq 120); do
    scripts/skiff get node "$node" 2>/dev/null | grep -qw Ready && break
    sleep 0.5
  done
done
scripts/skiff cluster status
scripts/skiff get nodes
