#!/usr/bin/env bash
# Runs a three-peer Skiff store cluster on loopback, as background processes.
#
#   scripts/store-cluster.sh up              start n1..n3 (builds first if the jar lacks the server), wait until healthy
#   scripts/store-cluster.sh down [--wipe]   stop them (TERM, then KILL); --wipe also deletes their data
#   scripts/store-cluster.sh status          show which peers run and whether their endpoints answer
#
# Peers (id: Raft address, etcd client address):
#   n1: 127.0.0.1:12380, 127.0.0.1:2379
#   n2: 127.0.0.1:22380, 127.0.0.1:22379
#   n3: 127.0.0.1:32380, 127.0.0.1:32379
#
# Environment:
#   SKIFF_RUN_DIR            pids, logs and data (default: .run/store-cluster in the repo, gitignored)
#   SKIFF_JAVA_OPTS          JVM options for every peer (default "-XX:+UseParallelGC": on 2 cores it gave
#                            ~40% more puts/s than G1, whose concurrent threads compete with the server)
#   SKIFF_STORE_WAIT_SECONDS how long `up` waits for every endpoint to be healthy (default 60)
#   SKIFF_STORE_STOP_SECONDS how long `down` waits after TERM before KILL (default 15)
#
# Health is checked with `etcdctl endpoint health` (Debian package etcd-client), which does a
# linearizable Range of the key "health" on each endpoint.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR=${SKIFF_RUN_DIR:-$ROOT/.run/store-cluster}
JAR=$ROOT/raft-store/target/skiff-raft-store.jar
CLASSPATH_="$JAR:$ROOT/raft-store/target/lib/*" # the JVM expands lib/*, not the shell
MAIN_CLASS=io.skiff.store.server.StoreServerMain
WAIT_SECONDS=${SKIFF_STORE_WAIT_SECONDS:-60}
STOP_SECONDS=${SKIFF_STORE_STOP_SECONDS:-15}

IDS=(n1 n2 n3)
declare -A RAFT_ADDR=([n1]=127.0.0.1:12380 [n2]=127.0.0.1:22380 [n3]=127.0.0.1:32380)
declare -A CLIENT_ADDR=([n1]=127.0.0.1:2379 [n2]=127.0.0.1:22379 [n3]=127.0.0.1:32379)

PEERS=$(for id in "${IDS[@]}"; do printf '%s=%s/%s,' "$id" "${RAFT_ADDR[$id]}" "${CLIENT_ADDR[$id]}"; done)
PEERS=${PEERS%,}
ENDPOINTS=$(for id in "${IDS[@]}"; do printf '%s,' "${CLIENT_ADDR[$id]}"; done)
ENDPOINTS=${ENDPOINTS%,}

log() { printf 'store-cluster: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'
  exit "${1:-2}"
}

pid_file() { printf '%s/pids/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/logs/%s.log' "$RUN_DIR" "$1"; }

# The pid of a running peer, or nothing. A pid file whose process is gone, or is no longer
# this peer (the pid was reused), does not count.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$MAIN_CLASS --id $1 "; then
    printf '%s' "$pid"
  fi
}

# True when something accepts TCP connections on host:port.
port_open() {
  local host=${1%:*} port=${1##*:}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

healthy() {
  etcdctl --endpoints="$1" --dial-timeout=2s --command-timeout=3s endpoint health >/dev/null 2>&1
}

show_log_tail() {
  local file
  file=$(log_file "$1")
  if [[ -s $file ]]; then
    log "last lines of $file:"
    tail -n 25 "$file" | sed "s/^/  [$1] /" >&2
  else
    log "$1 wrote no log output ($file)"
  fi
}

jar_has_server() {
  # a jar's central directory stores entry names uncompressed, so grep finds the class entry
  [[ -f $JAR ]] && LC_ALL=C grep -qa "${MAIN_CLASS//.//}.class" "$JAR"
}

build_if_needed() {
  if ! jar_has_server; then
    log "building (no $MAIN_CLASS in raft-store/target/skiff-raft-store.jar)"
    (cd "$ROOT" && mvn -q -B -DskipTests install)
    jar_has_server || die "the build has no $MAIN_CLASS: is the store server implemented on this branch?"
  fi
}

cmd_up() {
  command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client); it checks the endpoints' health"
  build_if_needed
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$RUN_DIR/data"

  local java_opts=() id pid SETSID=()
  command -v setsid >/dev/null && SETSID=(setsid)
  read -r -a java_opts <<<"${SKIFF_JAVA_OPTS:--XX:+UseParallelGC}"

  for id in "${IDS[@]}"; do
    pid=$(running_pid "$id")
    if [[ -n $pid ]]; then
      log "$id already running (pid $pid)"
      continue
    fi
    for addr in "${RAFT_ADDR[$id]}" "${CLIENT_ADDR[$id]}"; do
      port_open "$addr" && die "$addr is already in use by another process; cannot start $id"
    done
    mkdir -p "$RUN_DIR/data/$id"
    printf '\n==== %s starting %s\n' "$(date '+%F %T')" "$id" >>"$(log_file "$id")"
    # setsid: the peer gets its own session, so a Ctrl-C in the calling terminal does not reach it
    # (in a script a background job is no process group leader, so setsid execs in place: $! is java's pid)
    "${SETSID[@]}" java "${java_opts[@]}" -cp "$CLASSPATH_" "$MAIN_CLASS" \
      --id "$id" --peers "$PEERS" --data-dir "$RUN_DIR/data/$id" \
      </dev/null >>"$(log_file "$id")" 2>&1 &
    echo $! >"$(pid_file "$id")"
    log "started $id (pid $!), log $(log_file "$id")"
  done

  log "waiting up to ${WAIT_SECONDS}s for $ENDPOINTS"
  local deadline=$((SECONDS + WAIT_SECONDS)) pending
  while true; do
    pending=()
    for id in "${IDS[@]}"; do
      if [[ -z $(running_pid "$id") ]]; then
        show_log_tail "$id"
        die "$id exited during startup (see its log above); stop the others with: $0 down"
      fi
      healthy "${CLIENT_ADDR[$id]}" || pending+=("$id")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for id in "${pending[@]}"; do
        etcdctl --endpoints="${CLIENT_ADDR[$id]}" --dial-timeout=2s --command-timeout=3s endpoint health 2>&1 \
          | sed "s/^/  [$id] etcdctl: /" >&2 || true
        show_log_tail "$id"
      done
      die "not healthy after ${WAIT_SECONDS}s: ${pending[*]}; they are still running, stop them with: $0 down"
    fi
    sleep 1
  done
  log "cluster is healthy"
  printf '%s\n' "$ENDPOINTS"
}

cmd_down() {
  local wipe=false id pid
  for arg in "$@"; do
    case $arg in
      --wipe) wipe=true ;;
      *) die "down: unknown argument $arg" ;;
    esac
  done

  local -A pids=()
  for id in "${IDS[@]}"; do
    pid=$(running_pid "$id")
    if [[ -n $pid ]]; then
      pids[$id]=$pid
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  local deadline=$((SECONDS + STOP_SECONDS))
  for id in "${IDS[@]}"; do
    [[ -n ${pids[$id]:-} ]] || continue
    pid=${pids[$id]}
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$id (pid $pid) still running after ${STOP_SECONDS}s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped $id (pid $pid)"
  done
  ((${#pids[@]} > 0)) || log "no peer was running"
  rm -f "$RUN_DIR"/pids/*.pid 2>/dev/null || true

  if $wipe; then
    rm -rf "$RUN_DIR/data"
    log "deleted $RUN_DIR/data"
  fi
}

# Exit status 0 when all three peers run and answer, 1 otherwise.
cmd_status() {
  local id pid state health all_ok=0
  for id in "${IDS[@]}"; do
    pid=$(running_pid "$id")
    if [[ -n $pid ]]; then state="running (pid $pid)"; else state=stopped; all_ok=1; fi
    if ! command -v etcdctl >/dev/null; then
      health="health unknown (no etcdctl)"
      all_ok=1
    elif healthy "${CLIENT_ADDR[$id]}"; then
      health=healthy
    else
      health=unhealthy
      all_ok=1
    fi
    printf '%-3s raft %-16s client %-16s %-20s %s\n' "$id" "${RAFT_ADDR[$id]}" "${CLIENT_ADDR[$id]}" "$state" "$health"
  done
  printf 'endpoints: %s\nrun dir: %s\n' "$ENDPOINTS" "$RUN_DIR"
  return "$all_ok"
}

case ${1:-} in
  up) shift; (($# == 0)) || die "up takes no arguments"; cmd_up ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status ;;
  -h | --help | help) usage 0 ;;
  *) usage ;;
esac
