#!/usr/bin/env bash
# Benchmarks the scheduler (see docs/scheduler-benchmark.md): how many pods per second one master
# places on 1,000 hollow nodes. Real master processes (control-plane's MasterMain, controllers on),
# hollow nodes (node-agent's HollowNodesMain, all in one JVM) and the benchmark client
# io.skiff.controlplane.bench.SchedulerBenchmark (mode throughput):
#
#   one master and --nodes hollow nodes. --warm pods first (not measured), then --pods pods (one
#   container, requests cpu 10m and memory 16Mi) created as fast as the API takes them by --clients
#   clients. Pods bound per second overall (first create sent to last bind seen) and steady (between
#   10% and 90% bound), as a client's watch sees the binds; create-to-bound latency (the create's
#   send to the watch event with spec.nodeName set) p50/p90/p99; the master's CPU over that interval
#   (/proc/PID/stat); its RSS and live heap (jcmd GC.class_histogram, after a full GC) before and
#   after the pods.
#
# How soon three masters carry on when the one that runs the scheduler and controllers dies is
# scripts/bench-failover.sh --only masters (docs/failover-benchmark.md).
#
# usage: scripts/bench-scheduler.sh [--nodes N] [--pods N] [--warm N] [--clients N] [--quick]
#                                   [--profile] [--out FILE] [--keep]
#
#   --nodes N           hollow nodes (default 1000)
#   --pods N            measured pods (default 10000)
#   --warm N            unmeasured pods created and bound first, in a namespace of their own (default 2000)
#   --clients N         creates in flight, over 6 channels (default 50)
#   --quick             a smoke run: --nodes 100 --pods 1000 --warm 200
#   --profile           record the master with JFR (settings=profile) during the measured pods;
#                       prints the samples by thread and by innermost Skiff method, and keeps the
#                       recording in the work directory
#   --out FILE          also append the RESULT lines and the table to FILE
#   --keep              keep the work directory (data, logs, raw client output)
#
# The master uses the documented ports (API 6443, store 2379, Raft 12380); the script stops if one
# is taken. Hollow nodes serve logs on any free port.
# Clients run with C1 only and the serial GC (BENCH_JAVA_OPTS); masters with SKIFF_JAVA_OPTS
# (default -XX:+UseParallelGC). Every phase is bounded — a client phase by BENCH_MAX_SECONDS
# (default 600), hollow nodes registering by 300 s — and everything started is stopped however
# the script exits. Needs a JDK (jcmd, and jfr for --profile).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=bench-scheduler
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
BENCH_MAIN=io.skiff.controlplane.bench.SchedulerBenchmark
MAX_SECONDS=${BENCH_MAX_SECONDS:-600}

NODES=1000
PODS=10000
WARM=2000
CLIENTS=50
PROFILE=false
OUT=
KEEP=false

while (($#)); do
  case $1 in
    --nodes) number "$1" "${2:-}"; NODES=$2; shift 2 ;;
    --pods) number "$1" "${2:-}"; PODS=$2; shift 2 ;;
    --warm) number "$1" "${2:-}"; WARM=$2; shift 2 ;;
    --clients) number "$1" "${2:-}"; CLIENTS=$2; shift 2 ;;
    --quick) NODES=100 PODS=1000 WARM=200; shift ;;
    --only) # kept from when there was a second part
      [[ ${2:-} == failover ]] && die "the failover part moved: scripts/bench-failover.sh --only masters"
      [[ ${2:-} == throughput ]] || die "--only: throughput is the only part (failover: scripts/bench-failover.sh)"
      shift 2 ;;
    --profile) PROFILE=true; shift ;;
    --out) OUT=${2:-}; shift 2 || die "--out needs a file" ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
command -v jcmd >/dev/null || die "jcmd not found: the master's memory needs a JDK's tools"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench-scheduler.XXXXXX")

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

# ---- report ----------------------------------------------------------------------------------

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
}

# ---- main ------------------------------------------------------------------------------------

build_if_needed "$BENCH_MAIN" "$JAR" control-plane,node-agent
build_if_needed "$HOLLOW_MAIN" "$HOLLOW_JAR" control-plane,node-agent
machine_load
STARTED=$SECONDS

throughput

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
  printf '# %s, %s cores, load before %s, --nodes %s --pods %s --warm %s --clients %s\n%s\n\n' \
    "$(date '+%F %T')" "$(nproc)" "$LOAD" "$NODES" "$PODS" "$WARM" "$CLIENTS" "$tables" >>"$OUT"
fi
((FAILED == 0)) || die "some runs failed (see above)"
