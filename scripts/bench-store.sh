#!/usr/bin/env bash
# Benchmarks Skiff's store against etcd 3.4 on this machine, with the same Java client
# (io.skiff.store.bench.StoreBenchmark) and the same loads, one system at a time:
#
#   (a) puts, 1 client over 1 connection
#   (b) puts, 100 clients over 10 connections
#   (c) linearizable ranges of one key, 100 clients over 10 connections
#
# Puts go to the Raft leader (found with Maintenance.Status), ranges to all three members.
#
# usage: scripts/bench-store.sh [--only etcd|skiff] [--total N] [--total-serial N] [--out FILE] [--keep]
#
#   --only etcd|skiff   benchmark one system only (default: both)
#   --total N           requests per row for (b) and (c) (default 20000)
#   --total-serial N    requests for row (a) (default 10000)
#   --warm N            unmeasured puts and then ranges (100 clients) before a system's rows (default 100000)
#   --out FILE          also append the RESULT lines and the table to FILE
#   --keep              keep the temporary directory (data, logs, raw output)
#
# Each run first sends a tenth of its count as unmeasured warmup. Each run is bounded by
# --max-seconds (BENCH_MAX_SECONDS, default 120) per phase, so the whole script ends by itself.
#
# etcd (Debian etcd-server, binary `etcd`; scripts/lib/etcd.sh) runs three members on loopback with its own ports:
#   e1: client 127.0.0.1:2381   peer 127.0.0.1:2382
#   e2: client 127.0.0.1:22381  peer 127.0.0.1:22382
#   e3: client 127.0.0.1:32381  peer 127.0.0.1:32382
# Skiff runs through scripts/store-cluster.sh (clients 2379/22379/32379, Raft 12380/22380/32380),
# with its run directory in the temporary directory, so it starts from empty data.
#
# Environment: BENCH_JAVA_OPTS (client JVM options; default C1 only and the serial GC), SKIFF_JAVA_OPTS (server JVM options),
# BENCH_MAX_SECONDS, TMPDIR, and BENCH_WAIT_IDLE_SECONDS: on a shared machine, wait up to that
# long before each row until the CPUs are less than 20% busy (default 0: do not wait).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/raft-store/target/skiff-raft-store.jar
CLIENT_CP="$JAR:$ROOT/raft-store/target/lib/*" # the JVM expands lib/*, not the shell
CLIENT_MAIN=io.skiff.store.bench.StoreBenchmark
STORE_CLUSTER=$ROOT/scripts/store-cluster.sh

ONLY=both
TOTAL=20000
TOTAL_SERIAL=10000
WARM=100000
# The client is a short-lived JVM started per row: with C2 it spends whole cores compiling while
# it measures, taking CPU from the servers (2 cores here). C1 only keeps that small. Same for both systems.
CLIENT_JAVA_OPTS=${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
OUT=
KEEP=false
MAX_SECONDS=${BENCH_MAX_SECONDS:-120}
WAIT_IDLE_SECONDS=${BENCH_WAIT_IDLE_SECONDS:-0}

# shellcheck source=lib/etcd.sh
source "$ROOT/scripts/lib/etcd.sh"
SKIFF_ENDPOINTS=127.0.0.1:2379,127.0.0.1:22379,127.0.0.1:32379

ROWS=(a b c)
declare -A ROW_TITLE=(
  [a]="(a) put, 1 client, 1 conn"
  [b]="(b) put, 100 clients, 10 conns"
  [c]="(c) range(l) 1 key, 100 cl, 10 conns"
)

log() { printf 'bench-store: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit "${1:-2}"; }

while (($#)); do
  case $1 in
    --only) ONLY=${2:-}; shift 2 || die "--only needs etcd or skiff" ;;
    --total) TOTAL=${2:-}; shift 2 || die "--total needs a number" ;;
    --total-serial) TOTAL_SERIAL=${2:-}; shift 2 || die "--total-serial needs a number" ;;
    --warm) WARM=${2:-}; shift 2 || die "--warm needs a number" ;;
    --out) OUT=${2:-}; shift 2 || die "--out needs a file" ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $ONLY =~ ^(both|etcd|skiff)$ ]] || die "--only must be etcd or skiff"
[[ $TOTAL =~ ^[1-9][0-9]*$ && $TOTAL_SERIAL =~ ^[1-9][0-9]*$ && $WARM =~ ^[0-9]+$ ]] || die "--total and --total-serial must be positive numbers"
[[ $MAX_SECONDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_MAX_SECONDS must be a positive number"
[[ $WAIT_IDLE_SECONDS =~ ^[0-9]+$ ]] || die "BENCH_WAIT_IDLE_SECONDS must be a number"
want() { [[ $ONLY == both || $ONLY == "$1" ]]; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench.XXXXXX")
SKIFF_STARTED=false
FAILED=0

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_etcd
  if $SKIFF_STARTED; then
    SKIFF_RUN_DIR=$WORK/skiff "$STORE_CLUSTER" down || true
  fi
  if $KEEP; then
    log "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() {
  local host=${1%:*} port=${1##*:}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# ---- the client ------------------------------------------------------------------------------

declare -A RES=()

# run_row SYSTEM ENDPOINTS ROW: runs one row's load and keeps the fields of its RESULT line in RES.
run_row() {
  local system=$1 endpoints=$2 row=$3 args total
  case $row in
    a) total=$TOTAL_SERIAL; args=(--op put --clients 1 --conns 1) ;;
    b) total=$TOTAL; args=(--op put --clients 100 --conns 10) ;;
    c) total=$TOTAL; args=(--op range --linearizable --clients 100 --conns 10) ;;
  esac
  local java_opts=() out=$WORK/$system-$row.out
  read -r -a java_opts <<<"$CLIENT_JAVA_OPTS"
  wait_idle
  log "$system ${ROW_TITLE[$row]}: $total requests"
  local rc=0 line kv
  java "${java_opts[@]}" -cp "$CLIENT_CP" "$CLIENT_MAIN" --endpoints "$endpoints" --label "$system-$row" \
    "${args[@]}" --total "$total" --warmup $((total / 10)) --max-seconds "$MAX_SECONDS" \
    | tee "$out" || rc=$?
  if ((rc != 0)); then
    log "$system row $row failed (client exit status $rc)"
    FAILED=1
  fi
  line=$(sed -n 's/^RESULT //p' "$out")
  if [[ -z $line ]]; then
    ((rc != 0)) || { log "$system row $row printed no RESULT line"; FAILED=1; }
    return 0
  fi
  [[ -n $OUT ]] && printf 'RESULT %s\n' "$line" >>"$OUT"
  for kv in $line; do
    RES[$system.$row.${kv%%=*}]=${kv#*=}
  done
}

# warm_up SYSTEM ENDPOINTS: unmeasured puts and ranges, so both systems are measured at steady state
# (a fresh JVM spends its first tens of thousands of requests compiling; etcd has nothing to warm).
warm_up() {
  local system=$1 endpoints=$2 op java_opts=()
  ((WARM > 0)) || return 0
  read -r -a java_opts <<<"$CLIENT_JAVA_OPTS"
  for op in put range; do
    log "$system warm-up: $WARM ${op}s, 100 clients (not measured)"
    java "${java_opts[@]}" -cp "$CLIENT_CP" "$CLIENT_MAIN" --endpoints "$endpoints" --label "$system-warm-$op" \
      --op "$op" --clients 100 --conns 10 --total "$WARM" --max-seconds "$MAX_SECONDS" >/dev/null \
      || log "warning: $system warm-up ($op) failed"
  done
}

bench_system() {
  local system=$1 endpoints=$2 row
  warm_up "$system" "$endpoints"
  for row in "${ROWS[@]}"; do
    run_row "$system" "$endpoints" "$row"
  done
}

# ---- the table -------------------------------------------------------------------------------

cell_rps() { printf '%s' "${RES[$1.$2.rps]:--}"; }
cell_lat() {
  if [[ -n ${RES[$1.$2.p50_ms]:-} ]]; then
    awk -v a="${RES[$1.$2.p50_ms]}" -v b="${RES[$1.$2.p99_ms]}" 'BEGIN { printf "%.2f / %.2f", a, b }'
  else
    printf -- '-'
  fi
}
cell_ratio() {
  local e=${RES[etcd.$1.rps]:-} s=${RES[skiff.$1.rps]:-}
  if [[ -n $e && -n $s ]]; then
    awk -v e="$e" -v s="$s" 'BEGIN { if (e > 0) printf "%.2fx", s / e; else printf "-" }'
  else
    printf -- '-'
  fi
}
cell_errors() { printf '%s/%s' "${RES[etcd.$1.errors]:--}" "${RES[skiff.$1.errors]:--}"; }

table_line() { printf '%-38s %11s %17s %11s %17s %10s %12s\n' "$@"; }

print_table() {
  local row
  table_line row "etcd req/s" "etcd p50/p99 ms" "skiff req/s" "skiff p50/p99 ms" skiff/etcd "errors e/s"
  for row in "${ROWS[@]}"; do
    table_line "${ROW_TITLE[$row]}" "$(cell_rps etcd "$row")" "$(cell_lat etcd "$row")" \
      "$(cell_rps skiff "$row")" "$(cell_lat skiff "$row")" "$(cell_ratio "$row")" "$(cell_errors "$row")"
  done
}

# Percent of CPU time busy over one second, from /proc/stat.
cpu_busy_percent() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  # fields after "cpu": user nice system idle iowait irq softirq steal
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  local idle=$(((b[4] - a[4]) + (b[5] - a[5])))
  ((total > 0)) && echo $((100 * (total - idle) / total)) || echo 0
}

# With BENCH_WAIT_IDLE_SECONDS, waits (bounded) until other work leaves the CPUs mostly idle.
wait_idle() {
  ((WAIT_IDLE_SECONDS > 0)) || return 0
  local deadline=$((SECONDS + WAIT_IDLE_SECONDS)) busy
  while busy=$(cpu_busy_percent) && ((busy >= 20)); do
    if ((SECONDS >= deadline)); then
      log "warning: CPUs still ${busy}% busy after waiting ${WAIT_IDLE_SECONDS}s; running anyway"
      return 0
    fi
  done
}

# ---- main ------------------------------------------------------------------------------------

if ! { [[ -f $JAR ]] && LC_ALL=C grep -qa "${CLIENT_MAIN//.//}.class" "$JAR"; }; then
  log "building (no $CLIENT_MAIN in the raft-store jar)"
  (cd "$ROOT" && mvn -q -B -DskipTests install)
fi

log "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1); work dir $WORK"
if ((WAIT_IDLE_SECONDS == 0)); then
  busy=$(cpu_busy_percent)
  if ((busy > 15)); then
    log "warning: the CPUs are ${busy}% busy before the benchmark starts: other work competes with it," \
      "numbers will be low (BENCH_WAIT_IDLE_SECONDS=300 waits for idle CPUs before each row)"
  fi
fi

if want etcd; then
  start_etcd
  bench_system etcd "$ETCD_ENDPOINTS"
  stop_etcd
fi

if want skiff; then
  SKIFF_STARTED=true
  if SKIFF_RUN_DIR=$WORK/skiff "$STORE_CLUSTER" up >/dev/null; then
    bench_system skiff "$SKIFF_ENDPOINTS"
  else
    log "the Skiff cluster did not start (see above); no Skiff numbers"
    FAILED=1
  fi
  SKIFF_RUN_DIR=$WORK/skiff "$STORE_CLUSTER" down
  SKIFF_STARTED=false
fi

echo
table=$(print_table)
printf '%s\n' "$table"
if [[ -n $OUT ]]; then
  printf '# %s, %s cores, --total %s --total-serial %s\n%s\n\n' "$(date '+%F %T')" "$(nproc)" "$TOTAL" "$TOTAL_SERIAL" "$table" >>"$OUT"
fi
((FAILED == 0)) || die "some runs failed (see above)"
