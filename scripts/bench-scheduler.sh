#!/usr/bin/env bash
# Benchmarks the scheduler (see docs/scheduler-benchmark.md): how many pods per second one master
# places on 1,000 hollow nodes, and how soon three masters carry on when the one that runs the
# scheduler and controllers dies. Real master processes (control-plane's MasterMain, controllers
# on), hollow nodes (node-agent's HollowNodesMain, all in one JVM) and the benchmark client
# io.skiff.controlplane.bench.SchedulerBenchmark:
#
#   throughput  one master and --nodes hollow nodes. --warm pods first (not measured), then --pods
#               pods (one container, requests cpu 10m and memory 16Mi) created as fast as the API
#               takes them by --clients clients. Pods bound per second overall (first create sent to
#               last bind seen) and steady (between 10% and 90% bound), as a client's watch sees the
#               binds; create-to-bound latency (the create's send to the watch event with
#               spec.nodeName set) p50/p90/p99; the master's CPU over that interval (/proc/PID/stat);
#               its RSS and live heap (jcmd GC.class_histogram, after a full GC) before and after the pods
#   failover    three masters (default 3 s leader lease) and --failover-nodes hollow nodes; --rounds
#               times: kill -9 the controller leader, then, from the kill, the time to the first write
#               the other masters acknowledge (a pod create through them every 25 ms) and to the
#               first of those pods bound by the new leader; restart the killed master and wait
#               until every master serves. Median and max of both.
#
# usage: scripts/bench-scheduler.sh [--only throughput|failover] [--nodes N] [--pods N] [--warm N]
#                                   [--clients N] [--rounds N] [--failover-nodes N] [--quick]
#                                   [--profile] [--out FILE] [--keep]
#
#   --only PART         throughput or failover only (default: both)
#   --nodes N           hollow nodes for the throughput (default 1000)
#   --pods N            measured pods (default 10000)
#   --warm N            unmeasured pods created and bound first, in a namespace of their own (default 2000)
#   --clients N         creates in flight, over 6 channels (default 50)
#   --rounds N          failover rounds (default 10)
#   --failover-nodes N  hollow nodes for the failover (default 20)
#   --quick             a smoke run: --nodes 100 --pods 1000 --warm 200 --rounds 2 --failover-nodes 5
#   --profile           record the master with JFR (settings=profile) during the measured pods;
#                       prints the samples by thread and by innermost Skiff method, and keeps the
#                       recording in the work directory
#   --out FILE          also append the RESULT lines and the tables to FILE
#   --keep              keep the work directory (data, logs, raw client output)
#
# Masters use the documented ports (API 6443/6444/6445, store 2379/22379/32379, Raft
# 12380/22380/32380); the script stops if one is taken. Hollow nodes serve logs on any free port.
# Clients run with C1 only and the serial GC (BENCH_JAVA_OPTS); masters with SKIFF_JAVA_OPTS
# (default -XX:+UseParallelGC). Every phase is bounded — a client phase by BENCH_MAX_SECONDS
# (default 600), hollow nodes registering by 300 s, a failover round by 90 s — and everything
# started is stopped however the script exits. Needs a JDK (jcmd, and jfr for --profile).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=bench-scheduler
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
BENCH_MAIN=io.skiff.controlplane.bench.SchedulerBenchmark
HOLLOW_JAR=$ROOT/node-agent/target/skiff-node-agent.jar
HOLLOW_CP="$HOLLOW_JAR:$ROOT/node-agent/target/lib/*"
HOLLOW_MAIN=io.skiff.agent.hollow.HollowNodesMain
read -r -a HOLLOW_OPTS <<<"${SKIFF_HOLLOW_JAVA_OPTS:--XX:+UseParallelGC -Dlogback.configurationFile=hollow-logback.xml}"
MAX_SECONDS=${BENCH_MAX_SECONDS:-600}
HOLLOW_WAIT_SECONDS=300
ROUND_SECONDS=90

ONLY=both
NODES=1000
PODS=10000
WARM=2000
CLIENTS=50
ROUNDS=10
FAILOVER_NODES=20
PROFILE=false
OUT=
KEEP=false

while (($#)); do
  case $1 in
    --only) ONLY=${2:-}; shift 2 || die "--only needs throughput or failover" ;;
    --nodes) number "$1" "${2:-}"; NODES=$2; shift 2 ;;
    --pods) number "$1" "${2:-}"; PODS=$2; shift 2 ;;
    --warm) number "$1" "${2:-}"; WARM=$2; shift 2 ;;
    --clients) number "$1" "${2:-}"; CLIENTS=$2; shift 2 ;;
    --rounds) number "$1" "${2:-}"; ROUNDS=$2; shift 2 ;;
    --failover-nodes) number "$1" "${2:-}"; FAILOVER_NODES=$2; shift 2 ;;
    --quick) NODES=100 PODS=1000 WARM=200 ROUNDS=2 FAILOVER_NODES=5; shift ;;
    --profile) PROFILE=true; shift ;;
    --out) OUT=${2:-}; shift 2 || die "--out needs a file" ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $ONLY =~ ^(both|throughput|failover)$ ]] || die "--only must be throughput or failover"
want() { [[ $ONLY == both || $ONLY == "$1" ]]; }
command -v jcmd >/dev/null || die "jcmd not found: the master's memory needs a JDK's tools"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench-scheduler.XXXXXX")
HOLLOW_PID=

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_hollow
  stop_masters
  if $KEEP || $PROFILE; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- hollow nodes ----------------------------------------------------------------------------

# start_hollow COUNT: COUNT hollow nodes in one JVM against the running masters; waits until all registered.
start_hollow() {
  local count=$1 log_file=$WORK/hollow-$1.log deadline=$((SECONDS + HOLLOW_WAIT_SECONDS))
  java "${HOLLOW_OPTS[@]}" -cp "$HOLLOW_CP" "$HOLLOW_MAIN" --count "$count" --masters "$APIS" --port 0 \
    </dev/null >"$log_file" 2>&1 &
  HOLLOW_PID=$!
  log "started $count hollow nodes (pid $HOLLOW_PID); waiting until they are registered"
  until grep -q 'hollow nodes registered in' "$log_file"; do
    if ! kill -0 "$HOLLOW_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      tail -n 20 "$log_file" | sed 's/^/  [hollow] /' >&2
      die "the hollow nodes did not register within $HOLLOW_WAIT_SECONDS s (log above)"
    fi
    sleep 1
  done
  log "$(grep -o '[0-9]* hollow nodes registered in .*' "$log_file" | head -n 1)"
}

stop_hollow() {
  [[ -n $HOLLOW_PID ]] || return 0
  stop_pids "$HOLLOW_PID"
  HOLLOW_PID=
}

# ---- throughput ------------------------------------------------------------------------------

throughput() {
  local pid
  start_masters 1
  pid=${MASTER_PIDS[m1]}
  start_hollow "$NODES"
  heap_snapshot "$pid" before
  $PROFILE && jcmd "$pid" JFR.start name=bench settings=profile filename="$WORK/master.jfr" >/dev/null
  log "throughput: $WARM pods to warm up, then $PODS pods by $CLIENTS clients on $NODES nodes"
  measure sched "$BENCH_MAIN" throughput --apis "$APIS" --nodes "$NODES" --pods "$PODS" --warm "$WARM" \
    --clients "$CLIENTS" --conns 6 --master-pid "$pid" --hollow-pid "$HOLLOW_PID" --clk-tck "$(getconf CLK_TCK)"
  if $PROFILE; then
    jcmd "$pid" JFR.stop name=bench >/dev/null
    hot_methods "$WORK/master.jfr" >"$WORK/hot-methods.txt" || true
  fi
  heap_snapshot "$pid" after
  stop_hollow
  stop_masters
}

# hot_methods FILE: the recording's execution samples by thread (names without their numbers) and by
# the innermost Skiff method on the stack, generated protobuf code aside (what of ours the time is
# spent in or under).
hot_methods() {
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$1" | awk '
    /^jdk.ExecutionSample/ { thread = ""; ours = ""; leaf = "" }
    /sampledThread = / { thread = $3; gsub(/"/, "", thread); sub(/-?[0-9]+$/, "", thread) }
    / line: / {
      frame = $0; sub(/^[ \t]+/, "", frame); sub(/\(.*/, "", frame)
      if (leaf == "") leaf = frame
      if (ours == "" && frame ~ /^io\.skiff\./ && frame !~ /^io\.skiff\.(api|proto)\./) ours = frame
    }
    /^}/ { total++; threads[thread]++; methods[ours == "" ? "(no Skiff frame) " leaf : ours]++ }
    END {
      printf "%d samples, by thread:\n", total
      for (t in threads) printf "  %5.1f%%  %s\n", 100 * threads[t] / total, t | "sort -rn | head -n 15"
      close("sort -rn | head -n 15")
      print "by the innermost Skiff method on the stack:"
      for (m in methods) printf "  %5.1f%%  %s\n", 100 * methods[m] / total, m | "sort -rn | head -n 25"
    }'
}

# ---- failover --------------------------------------------------------------------------------

failover() {
  local round id pids
  start_masters 3
  start_hollow "$FAILOVER_NODES"
  for ((round = 1; round <= ROUNDS; round++)); do
    pids=$(for id in "${IDS[@]}"; do printf '%s=%s,' "$id" "${MASTER_PIDS[$id]}"; done)
    log "failover round $round of $ROUNDS"
    BOUND=$ROUND_SECONDS measure "failover.$round" "$BENCH_MAIN" failover --apis "$APIS" --pids "${pids%,}" \
      --round "$round"
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

# stats KEY: "median max" of RES[failover.R.KEY] over the rounds that have it.
stats() {
  local round
  for ((round = 1; round <= ROUNDS; round++)); do
    [[ -n ${RES[failover.$round.$1]:-} ]] && echo "${RES[failover.$round.$1]}"
  done | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.0f %.0f\n", m, v[NR] }'
}

print_tables() {
  local goal
  if [[ -n ${RES[sched.bound]:-} ]]; then
    # judged on the overall rate: the steady one is only as good as the watch that sees the binds, and a
    # watch that falls behind sees them in bursts
    goal=$(awk -v s="${RES[sched.overall_pps]}" 'BEGIN { print (s >= 1000 ? "met" : "NOT met") }')
    printf 'throughput: one master, %s hollow nodes, %s pods (cpu 10m, memory 16Mi) by %s clients\n' \
      "$NODES" "$PODS" "$CLIENTS"
    printf '  %-56s %s\n' \
      "pods bound / s, overall (first create to last bind)" "$(cell sched.overall_pps) (${RES[sched.bound]} bound in ${RES[sched.seconds]} s)" \
      "pods bound / s, steady (10% to 90% bound)" "$(cell sched.steady_pps)" \
      "first bind seen, after the first create" "$(cell sched.first_bind_s) s" \
      "creates / s taken by the API" "$(cell sched.create_rps) (p50 $(cell sched.create_p50_ms) ms, p99 $(cell sched.create_p99_ms) ms)" \
      "create-to-bound ms, p50 / p90 / p99 / max" "$(cell sched.p50_ms) / $(cell sched.p90_ms) / $(cell sched.p99_ms) / $(cell sched.max_ms)" \
      "master CPU over the run" "$(cell sched.master_cpu_s) s in $(cell sched.cpu_wall_s) s = $(cell sched.master_cpu_pct)% of a core" \
      "hollow nodes' CPU over the run" "$(cell sched.hollow_cpu_s) s in $(cell sched.cpu_wall_s) s = $(cell sched.hollow_cpu_pct)% of a core" \
      "master live heap (after full GC), before -> after pods" "$(mb "${RES[mem.before.live]:-}") -> $(mb "${RES[mem.after.live]:-}") MiB" \
      "master RSS, before -> after pods" "$(mb "${RES[mem.before.rss]:-}") -> $(mb "${RES[mem.after.rss]:-}") MiB"
    printf '  anchors: Kubernetes scheduler_perf ~680 pods/s (5,000 nodes, 10,000 pods); clusterloader2 asks 100 pods/s;\n'
    printf '  goal here >= 1,000 pods/s (overall): %s\n' "$goal"
  fi
  if [[ -n ${RES[failover.1.killed]:-} ]]; then
    local round write bind
    echo
    printf 'failover: three masters (3 s leader lease), %s hollow nodes, %s rounds\n' "$FAILOVER_NODES" "$ROUNDS"
    printf '  %5s %7s %13s %15s %15s %11s %22s\n' round killed "store leader" "first write ms" "first bind ms" \
      "new leader" "write sent at kill ms"
    for ((round = 1; round <= ROUNDS; round++)); do
      [[ -n ${RES[failover.$round.killed]:-} ]] || { printf '  %5s %s\n' "$round" "failed"; continue; }
      printf '  %5s %7s %13s %15s %15s %11s %22s\n' "$round" "$(cell "failover.$round.killed")" \
        "$(cell "failover.$round.store_leader")" "$(cell "failover.$round.write_ms")" \
        "$(cell "failover.$round.bind_ms")" "$(cell "failover.$round.new_leader")" \
        "$(cell "failover.$round.kill_write")"
    done
    read -r write write_max <<<"$(stats write_ms)"
    read -r bind bind_max <<<"$(stats bind_ms)"
    printf '  kill -> first acknowledged write:    median %s ms, max %s ms (etcd election timeout 1 s; goal < 1.5 s)\n' \
      "$write" "$write_max"
    printf '  kill -> first pod bound (new leader): median %s ms, max %s ms (Kubernetes controller election: up to 15 s)\n' \
      "$bind" "$bind_max"
  fi
}

# ---- main ------------------------------------------------------------------------------------

build_if_needed "$BENCH_MAIN" "$JAR" control-plane,node-agent
build_if_needed "$HOLLOW_MAIN" "$HOLLOW_JAR" control-plane,node-agent
machine_load
STARTED=$SECONDS

want throughput && throughput
want failover && failover

echo
tables=$(print_tables)
printf '%s\n' "$tables"
if [[ -f $WORK/hot-methods.txt ]]; then
  echo
  echo "master profile (JFR, measured pods): $WORK/master.jfr"
  cat "$WORK/hot-methods.txt"
fi
log "done in $((SECONDS - STARTED)) s; load average now $(awk '{ print $1 }' /proc/loadavg)"
if [[ -n $OUT ]]; then
  printf '# %s, %s cores, load before %s, --nodes %s --pods %s --warm %s --clients %s --rounds %s\n%s\n\n' \
    "$(date '+%F %T')" "$(nproc)" "$LOAD" "$NODES" "$PODS" "$WARM" "$CLIENTS" "$ROUNDS" "$tables" >>"$OUT"
fi
((FAILED == 0)) || die "some runs failed (see above)"
