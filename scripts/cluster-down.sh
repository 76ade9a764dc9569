#!/usr/bin/env bash
# Stops what scripts/cluster-up.sh started: the two agents, then the three masters. The agents'
# containers keep running (a later cluster-up adopts them); --wipe also deletes the masters' data
# and removes the containers the agents ran.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUN=${SKIFF_RUN_DIR:-$ROOT/.run}
HOST=$(hostname | tr '[:upper:]' '[:lower:]')
case ${1:-} in
  "" | --wipe) ;;
  *) echo "usage: scripts/cluster-down.sh [--wipe]" >&2; exit 2 ;;
esac

for agent in a:10250 b:10251; do
  SKIFF_RUN_DIR=$RUN/agent-${agent%:*} SKIFF_NODE_NAME=$HOST-${agent%:*} SKIFF_AGENT_PORT=${agent#*:} \
    bash scripts/agent.sh down "$@"
done
SKIFF_RUN_DIR=$RUN/master-cluster SKIFF_MASTERS=3 bash scripts/master-cluster.sh down "$@"
