#!/usr/bin/env bash
# A tour of the three-master cluster that scripts/cluster-up.sh starts (it starts it when it does
# not run): drives it with real clients: etcdctl on the store, and buf curl (reflection-based gRPC)
# on the typed API — namespaces, pods, selectors, paging, a watch, a conflict, a bad object — and,
# with the skiff command, a Deployment that the scheduler spreads over the two nodes and the agents
# run through Podman: fetches its pages, reads a log through a master, deletes it all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

bash scripts/cluster-up.sh >/dev/null
export ETCDCTL_API=3
PKI=${SKIFF_RUN_DIR:-$ROOT/.run}/master-cluster/pki   # the cluster CA and the admin's certificate
TLS=(--cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")
STORE=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
MASTERS=127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
ctl() { echo "\$ etcdctl --cacert ca.crt --cert admin.crt --key admin.key $*"; etcdctl --endpoints="$STORE" "${TLS[@]}" "$@"; }
# api MASTER_PORT SERVICE/METHOD [JSON]: one call to the Skiff API, as any gRPC client would make it
api() {
  local port=$1 method=$2 body=${3:-'{}'}
  echo "\$ buf curl --cacert ca.crt --cert admin.crt --key admin.key ... https://127.0.0.1:$port/skiff.api.v1.$method -d '$body'"
  buf curl --protocol grpc "${TLS[@]}" -d "$body" "https://127.0.0.1:$port/skiff.api.v1.$method"
}
pod() { # pod NAME NAMESPACE TIER
  printf '{"metadata":{"name":"%s","namespace":"%s","labels":{"app":"shop","tier":"%s"}},"spec":{"terminationGracePeriodSeconds":2,"containers":[{"name":"main","image":"localhost/busybox:latest","imagePullPolicy":"IfNotPresent","command":["httpd","-f","-p","8080"],"ports":[{"containerPort":8080}],"resources":{"requests":{"cpu":"100m","memory":"32Mi"},"limits":{"memory":"64Mi"}}}]}}' "$1" "$2" "$3"
}

say "The store: three Raft peers, each answering etcd's own client"
ctl endpoint status -w table
ctl member list -w table

say "The Skiff API (reflection lists the services; any master serves any call)"
buf curl --protocol grpc "${TLS[@]}" --list-methods https://127.0.0.1:6443 | grep -E 'Pods/|Health' || true

say "A namespace, and pods created through different masters"
api 6443 Namespaces/Create '{"metadata":{"name":"shop"}}' | grep -E '"(name|uid|resourceVersion|phase)"'
watch_out=$(mktemp)
buf curl --protocol grpc "${TLS[@]}" -d '{"namespace":"shop","labelSelector":"tier=web"}' \
  https://127.0.0.1:6445/skiff.api.v1.Pods/Watch >"$watch_out" 2>&1 &
watch_pid=$!
sleep 1
api 6443 Pods/Create "$(pod web-1 shop web)" | grep -E '"(name|resourceVersion|phase)"'
api 6444 Pods/Create "$(pod web-2 shop web)" | grep -E '"(name|resourceVersion|phase)"'
api 6445 Pods/Create "$(pod db-1 shop db)" | grep -E '"(name|resourceVersion|phase)"'

say "List with a label selector, two per page (the continue token keeps one snapshot)"
api 6444 Pods/List '{"namespace":"shop","labelSelector":"app=shop,tier in (web,db)","limit":2}' \
  | grep -E '"(name|resourceVersion|continue)"' | grep -v '"main"'

say "Optimistic concurrency: an update with a stale resourceVersion is refused"
api 6443 Pods/Update "$(pod web-1 shop web | sed 's/"namespace":"shop"/"namespace":"shop","resourceVersion":"1"/')" 2>&1 | grep -E 'code|message' || true

say "A bad object: every problem named by its field"
api 6443 Pods/Create '{"metadata":{"name":"Bad_Name","namespace":"shop"},"spec":{"containers":[{"name":"main","image":"","resources":{"limits":{"cpu":"lots"}}}],"restartPolicy":"Sometimes"}}' 2>&1 | grep -E 'code|message' || true

say "What the watch on master 3 saw (tier=web only)"
for _ in $(seq 50); do [[ $(grep -c '"type"' "$watch_out") -ge 2 ]] && break; sleep 0.1; done
kill "$watch_pid" 2>/dev/null || true
grep -E '"type"|"name": "web' "$watch_out" | paste - - | sed 's/  */ /g'
rm -f "$watch_out"

say "A real workload: a Deployment, placed by the scheduler, run by the agent through Podman"
skiff() { echo "\$ skiff $*"; scripts/skiff --server "$MASTERS" "$@"; }
skiff apply -f examples/hello-deployment.yaml
skiff rollout status deployment/hello --timeout 120s
skiff get pods -l app=hello -o wide   # one replica on each node: the scheduler spreads a Deployment's pods
for ip in $(scripts/skiff --server "$MASTERS" get pods -l app=hello -o wide \
    | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "IP") c = i; next } { print $c }'); do
  echo "\$ curl http://$ip:8080/"
  curl -sS --retry 10 --retry-delay 1 --retry-connrefused "http://$ip:8080/"
done
hello_pod=$(scripts/skiff --server "$MASTERS" get pods -l app=hello -o name | head -1)
skiff logs "$hello_pod" --tail 3   # the master relays the agent's stream

say "Deleting the Deployment: the garbage collector removes its ReplicaSet and pods"
skiff delete deployment hello
for _ in $(seq 60); do
  [[ -z $(etcdctl --endpoints="$STORE" "${TLS[@]}" get /registry/pods/default/ --prefix --keys-only) ]] && break
  sleep 0.5
done
skiff get replicasets,pods
echo "its containers are gone from Podman too"

say "Deleting the namespace deletes what is in it"
api 6444 Namespaces/Delete '{"name":"shop"}' | grep -E '"(name|phase|deletionTimestamp)"'
for _ in $(seq 150); do  # its pods run: each stops gracefully on the node first
  [[ -z $(etcdctl --endpoints="$STORE" "${TLS[@]}" get /registry/namespaces/shop --keys-only) ]] && break
  sleep 0.2
done
ctl get /registry --prefix --keys-only | grep -v -e '^$' -e '^/registry/events/'

say "Security: every call is authenticated (certificate or bearer token) and authorized (roles)"
echo "\$ skiff --ca-file ca.crt get pods   # the CA to check the masters with, but no credentials"
scripts/skiff --config /dev/null --server "$MASTERS" --ca-file "$PKI/ca.crt" get pods 2>&1 | head -2 || true
echo "\$ skiff token create --user tour-viewer --role view -n default --ttl 10m"
created=$(scripts/skiff token create --user tour-viewer --role view -n default --ttl 10m)
bearer=$(awk '/shown this once/ { getline; print $1 }' <<<"$created")
viewer=(--protocol grpc --cacert "$PKI/ca.crt" -H "authorization: Bearer $bearer" --reflect-header '*')
echo "\$ buf curl --cacert ca.crt -H 'authorization: Bearer ${bearer%%.*}.…' .../Pods/List      # view: may read"
buf curl "${viewer[@]}" -d '{"namespace":"default"}' https://127.0.0.1:6444/skiff.api.v1.Pods/List | head -3
echo "\$ buf curl --cacert ca.crt -H 'authorization: Bearer ${bearer%%.*}.…' .../Pods/Delete    # but not write"
buf curl "${viewer[@]}" -d '{"namespace":"default","name":"x"}' \
  https://127.0.0.1:6445/skiff.api.v1.Pods/Delete 2>&1 | head -3 || true
skiff token revoke "${bearer%%.*}"
scripts/skiff --server "$MASTERS" delete rolebinding "token-${bearer%%.*}" >/dev/null

cat <<'NEXT'

Skiff is up: three masters (API on 127.0.0.1:6443, :6444, :6445) and two node agents. Try:
  scripts/skiff --server 127.0.0.1:6443,127.0.0.1:6444,127.0.0.1:6445 get nodes
  scripts/skiff --server 127.0.0.1:6443 apply -f examples/hello-deployment.yaml
  cd .run/master-cluster/pki                                 # the cluster CA and the admin's certificate
  buf curl --protocol grpc --cacert ca.crt --cert admin.crt --key admin.key --list-methods https://127.0.0.1:6443
  buf curl --protocol grpc --cacert ca.crt --cert admin.crt --key admin.key \
      -d '{"namespace":"default","sendInitialEvents":true}' \
      https://127.0.0.1:6443/skiff.api.v1.Pods/Watch          # and create pods from another shell
  etcdctl --endpoints=127.0.0.1:2379 --cacert ca.crt --cert admin.crt --key admin.key get /registry --prefix --keys-only
  scripts/skiff cluster status
  scripts/cluster-down.sh [--wipe]                           # stop it; --wipe deletes its data
NEXT
