#!/usr/bin/env bash
# From a fresh Debian machine to a running Skiff cluster with a real workload, like k3s:
# installs what is missing (Podman included), builds, starts the all-in-one cluster
# (`skiff server`: one master and this machine's node agent, scripts/server.sh), points the
# skiff command at it, and runs a web server as a Deployment of two replicas that the scheduler
# places and the agent runs through Podman; waits until it is available, fetches its page from
# each replica with curl, and prints what to try next. Safe to run again: a running server is
# reused and the Deployment is left as it is.
#
#   bash scripts/quickstart.sh              up, with the workload
#   bash scripts/quickstart.sh down [--wipe]  stop it; --wipe also deletes its data and containers
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [[ ${1:-} == down ]]; then
  shift
  exec bash scripts/server.sh down "$@"
fi
(($# == 0)) || { echo "usage: bash scripts/quickstart.sh [down [--wipe]]" >&2; exit 2; }

bash scripts/install-deps.sh
if [[ ! -x cli/target/skiff ]]; then
  echo "quickstart: building (first run takes a few minutes)"
  mvn -q -B -ntp install -DskipTests
fi
bash scripts/server.sh up

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
skiff() { echo "\$ skiff $*"; scripts/skiff "$@"; }

NODE=${SKIFF_NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}
PKI=${SKIFF_RUN_DIR:-$ROOT/.run/server}/data/$NODE/pki
say "The skiff command's context: the all-in-one's API, over TLS, as the admin (a client certificate)"
skiff config set-context local --endpoints 127.0.0.1:6443 --namespace default --certificate-authority "$PKI/ca.crt" \
  --client-certificate "$PKI/admin.crt" --client-key "$PKI/admin.key"
skiff config use-context local
skiff auth whoami

say "This machine is a node of the cluster"
for _ in $(seq 60); do
  scripts/skiff get node "$NODE" 2>/dev/null | grep -qw Ready && break
  sleep 0.5
done
skiff get nodes -o wide

say "A web server as a Deployment of two replicas (examples/hello-deployment.yaml)"
skiff apply -f examples/hello-deployment.yaml
skiff rollout status deployment/hello --timeout 180s
skiff get deployment hello
skiff get pods -l app=hello -o wide

say "Each replica serves its page on its pod IP"
ips=$(scripts/skiff get pods -l app=hello -o wide | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "IP") c = i; next } { print $c }')
for ip in $ips; do
  echo "\$ curl http://$ip:8080/"
  curl -sS --retry 10 --retry-delay 1 --retry-connrefused "http://$ip:8080/"
done
first_pod=$(scripts/skiff get pods -l app=hello -o name | head -1)
skiff logs "$first_pod" --tail 3

cat <<NEXT

Skiff is up: an all-in-one cluster (API on :6443, a node agent for this machine), running the
Deployment "hello". Try:
  scripts/skiff get pods -o wide                      # or put cli/target/skiff on your PATH
  scripts/skiff scale deployment/hello --replicas 3
  scripts/skiff get pods --watch                      # and, in another shell, delete a pod
  scripts/skiff describe deployment hello
  scripts/skiff rollout restart deployment/hello && scripts/skiff rollout status deployment/hello
  scripts/skiff apply -f examples/                    # more workloads
  scripts/skiff get events
  scripts/skiff token create --user alice --role view -n default   # a read-only user's bearer token
  scripts/skiff token create --purpose join-agent                   # prints the line that joins a worker
  etcdctl --endpoints=127.0.0.1:2379 --cacert $PKI/ca.crt --cert $PKI/admin.crt --key $PKI/admin.key \\
      get /registry --prefix --keys-only
  bash scripts/quickstart.sh down [--wipe]            # stop it; --wipe deletes its data and containers
For three masters and two agents: scripts/cluster-up.sh (see the README).
NEXT
