#!/usr/bin/env bash
# Benchmarks failover (see docs/failover-benchmark.md): over --rounds kills (SIGKILL) of a leader,
# the time from the kill to the first acknowledged write, and to the first scheduling decision of
# the new leader; per round, median and max, beside a baseline measured in the same run.
#
#   store    Skiff's store against etcd 3.4, the same Java client for both
#            (io.skiff.store.bench.StoreBenchmark failover, one round per call): three members each
#            on loopback; find the Raft leader (Maintenance.Status), put through the two other
#            members (one put every 10 ms, round-robin, each with a 5 s deadline, none waiting for
#            the others), kill -9 the leader; from the kill, the time to the first acknowledged put
#            sent after it (and how many of the puts sent until then failed) and to the first
#            Maintenance.Status of a survivor naming a new leader. The script then restarts the
#            killed member from its data and waits until every member is healthy. All of etcd's
#            rounds, then all of Skiff's. Both with their defaults: etcd heartbeat 100 ms, election
#            1000 ms (the anchor); Skiff the build's --election-timeout-ms (printed).
#   masters  three masters with controllers (default 3 s controller lease) and --failover-nodes
#            hollow nodes (io.skiff.controlplane.bench.SchedulerBenchmark failover, one round per
#            call): kill -9 the controller leader; from the kill, the time to the first pod create
#            the other masters acknowledge (one every 25 ms) and to the first of those pods bound by
#            the new leader; whether the killed master was also the store's Raft leader. The
#            script restarts the killed master and waits until every master serves.
#
# usage: scripts/bench-failover.sh [--only store|masters] [--rounds N] [--failover-nodes N] [--quick]
#                                  [--out FILE] [--keep]
#
#   --only PART         store or masters only (default: both)
#   --rounds N          kills per system (default 10)
#   --failover-nodes N  hollow nodes for the masters (default 20)
#   --quick             a smoke run: --rounds 2 --failover-nodes 5
#   --out FILE          also append the RESULT lines and the tables to FILE
#   --keep              keep the work directory (data, logs, raw client output)
#
# Ports, as the other benchmarks: etcd clients 2381/22381/32381, peers 2382/22382/32382
# (scripts/lib/etcd.sh); Skiff's store through scripts/store-cluster.sh and the masters on the
# documented ports (API 6443/6444/6445, store 2379/22379/32379, Raft 12380/22380/32380). The
# script stops if one is taken. Clients run with C1 only and the serial GC (BENCH_JAVA_OPTS);
# Skiff's servers with SKIFF_JAVA_OPTS (default -XX:+UseParallelGC). Every phase is bounded — a
# store round by 60 s, a masters round by 90 s, a restart by 60 s (store) or 120 s (masters),
# hollow nodes registering by 300 s — and everything started is stopped however the script exits.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=bench-failover
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
# shellcheck source=lib/etcd.sh
source "$ROOT/scripts/lib/etcd.sh"
MASTERS_MAIN=io.skiff.controlplane.bench.SchedulerBenchmark
STORE_JAR=$ROOT/raft-store/target/skiff-raft-store.jar
STORE_CP="$STORE_JAR:$ROOT/raft-store/target/lib/*"
STORE_MAIN=io.skiff.store.bench.StoreBenchmark
STORE_CLUSTER=$ROOT/scripts/store-cluster.sh
STORE_IDS=(n1 n2 n3)
declare -A STORE_CLIENT=([n1]=127.0.0.1:2379 [n2]=127.0.0.1:22379 [n3]=127.0.0.1:32379)
SKIFF_ENDPOINTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379
STORE_ROUND_SECONDS=60
MASTERS_ROUND_SECONDS=90

ONLY=both
ROUNDS=10
FAILOVER_NODES=20
OUT=
KEEP=false

while (($#)); do
  case $1 in
    --only) ONLY=${2:-}; shift 2 || die "--only needs store or masters" ;;
    --rounds) number "$1" "${2:-}"; ROUNDS=$2; shift 2 ;;
    --failover-nodes) number "$1" "${2:-}"; FAILOVER_NODES=$2; shift 2 ;;
    --quick) ROUNDS=2 FAILOVER_NODES=5; shift ;;
    --out) OUT=${2:-}; shift 2 || die "--out needs a file" ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $ONLY =~ ^(both|store|masters)$ ]] || die "--only must be store or masters, not '$ONLY'"
((ROUNDS > 0)) || die "--rounds must be at least 1"
want() { [[ $ONLY == both || $ONLY == "$1" ]]; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench-failover.XXXXXX")
SKIFF_STARTED=false

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_etcd
  if $SKIFF_STARTED; then
    SKIFF_RUN_DIR=$WORK/skiff "$STORE_CLUSTER" down >>"$WORK/store-cluster.log" 2>&1 || log "warning: stopping Skiff's store failed"
  fi
  stop_hollow
  stop_masters
  if $KEEP; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the store: etcd and Skiff's ---------------------------------------------------------------

# skiff_store up|down: scripts/store-cluster.sh on a run directory in WORK; `up` also restarts a
# killed peer from its data (it starts whichever is not running) and waits until all are healthy.
skiff_store() {
  SKIFF_RUN_DIR=$WORK/skiff SKIFF_STORE_WAIT_SECONDS=60 "$STORE_CLUSTER" "$1" >>"$WORK/store-cluster.log" 2>&1 || {
    tail -n 30 "$WORK/store-cluster.log" | sed 's/^/  /' >&2
    die "scripts/store-cluster.sh $1 failed (above)"
  }
}

# print_result KEY: the client's RESULT line of KEY to stdout, with the key in front (as in --out).
print_result() {
  sed -n "s/^RESULT /RESULT key=$1 /p" "$WORK/$1.out"
}

# store_round SYSTEM ENDPOINTS PIDS ROUND: one kill, measured by the Java client.
store_round() {
  log "$1 round $4 of $ROUNDS"
  CLIENT_CP=$STORE_CP BOUND=$STORE_ROUND_SECONDS measure "$1.$4" "$STORE_MAIN" failover \
    --endpoints "$2" --pids "$3" --round "$4" --label "$1"
  print_result "$1.$4"
}

etcd_rounds() {
  local round name pids
  start_etcd
  for ((round = 1; round <= ROUNDS; round++)); do
    pids=$(for name in "${ETCD_NAMES[@]}"; do printf '%s=%s,' "${ETCD_CLIENT[$name]}" "${ETCD_PIDS[$name]}"; done)
    store_round etcd "$ETCD_ENDPOINTS" "${pids%,}" "$round"
    restart_dead_etcd
  done
  stop_etcd
}

skiff_rounds() {
  local round id pids
  SKIFF_STARTED=true
  log "starting Skiff's store (scripts/store-cluster.sh) on $SKIFF_ENDPOINTS"
  skiff_store up
  SKIFF_ELECTION=$(election_timeout "$WORK"/skiff/logs/*.log)
  for ((round = 1; round <= ROUNDS; round++)); do
    pids=$(for id in "${STORE_IDS[@]}"; do printf '%s=%s,' "${STORE_CLIENT[$id]}" "$(<"$WORK/skiff/pids/$id.pid")"; done)
    store_round skiff "$SKIFF_ENDPOINTS" "${pids%,}" "$round"
    skiff_store up
  done
  skiff_store down
  SKIFF_STARTED=false
}

# election_timeout LOG...: the store's (minimum) election timeout as a peer logged it at start
# ("store peer n1 started: ..., election timeout 1000 ms"); the build's default, since neither
# store-cluster.sh nor the masters here pass --election-timeout-ms.
election_timeout() {
  grep -ho 'election timeout [0-9]* ms' "$@" 2>/dev/null | head -n 1 | sed 's/election timeout //' | grep . \
    || echo "unknown"
}

# ---- the masters -----------------------------------------------------------------------------

masters_rounds() {
  local round id pids
  start_masters 3
  MASTERS_ELECTION=$(election_timeout "$WORK"/m?-3.log)
  start_hollow "$FAILOVER_NODES"
  for ((round = 1; round <= ROUNDS; round++)); do
    pids=$(for id in "${IDS[@]}"; do printf '%s=%s,' "$id" "${MASTER_PIDS[$id]}"; done)
    log "masters round $round of $ROUNDS"
    BOUND=$MASTERS_ROUND_SECONDS measure "masters.$round" "$MASTERS_MAIN" failover --apis "$APIS" \
      --pids "${pids%,}" --round "$round"
    print_result "masters.$round"
    # restart whichever master is dead (the killed leader), from its data, and wait until all serve
    for id in "${IDS[@]}"; do
      if ! kill -0 "${MASTER_PIDS[$id]}" 2>/dev/null; then
        wait "${MASTER_PIDS[$id]}" 2>/dev/null || true
        start_master "$id" 3
      fi
    done
    await_masters 3
  done
  stop_hollow
  stop_masters
}

# ---- report ----------------------------------------------------------------------------------

# stats PREFIX KEY: "median max" of RES[PREFIX.R.KEY] over the rounds that have it.
stats() {
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    [[ -n ${RES[$1.$round.$2]:-} && ${RES[$1.$round.$2]} != - ]] && echo "${RES[$1.$round.$2]}"
  done | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.0f %.0f\n", m, v[NR] }'
}

# ms VALUE: a number of milliseconds rounded, or "-".
ms() { [[ -n ${1:-} && $1 != - ]] && printf '%.0f' "$1" || printf -- '-'; }

store_line() { printf '  %6s | %16s %9s %9s %11s | %16s %9s %9s %11s\n' "$@"; }

store_cells() {
  local k=$1.$2
  if [[ -z ${RES[$k.killed]:-} ]]; then
    printf '%s\n' failed - - -
  else
    printf '%s\n' "${RES[$k.killed]}" "$(ms "${RES[$k.leader_ms]}")" "$(ms "${RES[$k.write_ms]}")" \
      "${RES[$k.failed]}/${RES[$k.sent]}"
  fi
}

print_store_table() {
  local round e s ew ewm sw swm el elm sl slm
  printf 'store: three members each, kill -9 of the Raft leader, %s rounds; puts through the two others every 10 ms\n' "$ROUNDS"
  printf '  etcd %s: its defaults (heartbeat 100 ms, election timeout 1000 ms)\n' "$(etcd --version | sed -n 's/^etcd Version: //p')"
  printf "  skiff: the build's defaults (election timeout min %s, randomized up to twice that)\n" "${SKIFF_ELECTION:-unknown}"
  store_line round "etcd killed" "leader ms" "put ms" failed/sent "skiff killed" "leader ms" "put ms" failed/sent
  for ((round = 1; round <= ROUNDS; round++)); do
    mapfile -t e < <(store_cells etcd "$round")
    mapfile -t s < <(store_cells skiff "$round")
    store_line "$round" "${e[@]}" "${s[@]}"
  done
  read -r el elm <<<"$(stats etcd leader_ms)"
  read -r ew ewm <<<"$(stats etcd write_ms)"
  read -r sl slm <<<"$(stats skiff leader_ms)"
  read -r sw swm <<<"$(stats skiff write_ms)"
  store_line median "" "$el" "$ew" "" "" "$sl" "$sw" ""
  store_line max "" "$elm" "$ewm" "" "" "$slm" "$swm" ""
  printf '  leader ms: kill -> a survivor names a new leader; put ms: kill -> first put acknowledged (goal < 1,500 ms);\n'
  printf '  failed: of the puts sent from the kill to that acknowledgement, how many failed\n'
}

print_masters_table() {
  local round write write_max bind bind_max
  printf 'masters: three masters (3 s controller lease, store election timeout min %s), %s hollow nodes, %s rounds\n' \
    "${MASTERS_ELECTION:-unknown}" "$FAILOVER_NODES" "$ROUNDS"
  printf '  %5s %7s %13s %15s %15s %11s %22s\n' round killed "store leader" "first write ms" "first bind ms" \
    "new leader" "write sent at kill ms"
  for ((round = 1; round <= ROUNDS; round++)); do
    [[ -n ${RES[masters.$round.killed]:-} ]] || { printf '  %5s %s\n' "$round" "failed"; continue; }
    printf '  %5s %7s %13s %15s %15s %11s %22s\n' "$round" "$(cell "masters.$round.killed")" \
      "$(cell "masters.$round.store_leader")" "$(ms "$(cell "masters.$round.write_ms")")" \
      "$(ms "$(cell "masters.$round.bind_ms")")" "$(cell "masters.$round.new_leader")" \
      "$(cell "masters.$round.kill_write")"
  done
  read -r write write_max <<<"$(stats masters write_ms)"
  read -r bind bind_max <<<"$(stats masters bind_ms)"
  local both=0 rounds=0
  for ((round = 1; round <= ROUNDS; round++)); do
    [[ -n ${RES[masters.$round.killed]:-} ]] || continue
    rounds=$((rounds + 1))
    [[ ${RES[masters.$round.killed]} == "${RES[masters.$round.store_leader]}" ]] && both=$((both + 1))
  done
  printf '  kill -> first acknowledged write:    median %s ms, max %s ms (etcd election timeout 1 s; goal < 1.5 s)\n' \
    "$write" "$write_max"
  printf '  kill -> first pod bound (new leader): median %s ms, max %s ms (Kubernetes controller election: up to 15 s)\n' \
    "$bind" "$bind_max"
  printf '  the killed master was also the store'"'"'s Raft leader in %s of %s rounds\n' "$both" "$rounds"
}

# ---- main ------------------------------------------------------------------------------------

if want store; then
  command -v etcd >/dev/null || die "etcd not found (apt-get install etcd-server)"
  command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client)"
  build_if_needed io.skiff.store.bench.StoreFailover "$STORE_JAR" raft-store
fi
if want masters; then
  build_if_needed "$MASTERS_MAIN" "$JAR" control-plane,node-agent
  build_if_needed "$HOLLOW_MAIN" "$HOLLOW_JAR" control-plane,node-agent
fi
machine_load
STARTED=$SECONDS

if want store; then
  etcd_rounds
  skiff_rounds
fi
want masters && masters_rounds

echo
tables=$(
  if want store; then print_store_table; fi
  if want store && want masters; then echo; fi
  if want masters; then print_masters_table; fi
)
printf '%s\n' "$tables"
log "done in $((SECONDS - STARTED)) s; load average now $(awk '{ print $1 }' /proc/loadavg)"
if [[ -n $OUT ]]; then
  printf '# %s, %s cores, load before %s, --only %s --rounds %s\n%s\n\n' \
    "$(date '+%F %T')" "$(nproc)" "$LOAD" "$ONLY" "$ROUNDS" "$tables" >>"$OUT"
fi
((FAILED == 0)) || die "some rounds failed (see above)"
