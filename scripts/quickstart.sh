#!/usr/bin/env bash
# From a fresh Debian machine to a running Skiff store: installs what is
# missing, builds, starts the three-peer store cluster on loopback, and drives it
# with etcd's own client, etcdctl: writes, a transaction, a watch, a lease.
# Safe to run again: a running cluster is reused.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/install-deps.sh
if [[ ! -f raft-store/target/skiff-raft-store.jar ]]; then
  echo "quickstart: building (first run takes a few minutes)"
  mvn -q -B -ntp install -DskipTests
fi
bash scripts/store-cluster.sh up

export ETCDCTL_API=3
ENDPOINTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
ctl() { echo "\$ etcdctl $*"; etcdctl --endpoints="$ENDPOINTS" "$@"; }

echo
ctl endpoint status -w table
ctl member list -w table
ctl put /skiff/demo/greeting "hello from a Raft-replicated store"
ctl put /skiff/demo/count 1
ctl get /skiff/demo --prefix
echo "\$ etcdctl txn   # compare-and-swap: count 1 -> 2"
etcdctl --endpoints="$ENDPOINTS" txn <<'TXN'
value("/skiff/demo/count") = "1"

put /skiff/demo/count 2

put /skiff/demo/conflict yes

TXN

# a watch from revision 1 replays the history of the prefix, then follows it
watch_out=$(mktemp)
etcdctl --endpoints="$ENDPOINTS" watch /skiff/demo --prefix --rev=1 >"$watch_out" 2>&1 &
watch_pid=$!
lease=$(etcdctl --endpoints="$ENDPOINTS" lease grant 30 | awk '{print $2}')
ctl put /skiff/demo/ephemeral "gone when lease $lease ends" --lease="$lease"
ctl lease timetolive "$lease" --keys
for _ in $(seq 50); do grep -q ephemeral "$watch_out" && break; sleep 0.1; done
kill "$watch_pid" 2>/dev/null || true
echo "\$ etcdctl watch /skiff/demo --prefix --rev=1"
cat "$watch_out"
rm -f "$watch_out"

cat <<'NEXT'

The store is up. Try:
  export ETCDCTL_API=3 ENDPOINTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
  etcdctl --endpoints=$ENDPOINTS get "" --prefix --keys-only
  etcdctl --endpoints=$ENDPOINTS watch /skiff --prefix      # and put keys from another shell
  scripts/bench-store.sh                                      # Skiff against etcd 3.4, same client
  scripts/store-cluster.sh down --wipe                        # stop it and delete its data
NEXT
