# Shared by store-cluster.sh and master-cluster.sh: runs a set of Skiff server
# processes on this machine in the background, with pid files, logs, health
# waits and a clean stop. The sourcing script sets:
#   NAME, RUN_DIR, JAR, MODULE (its Maven module), MAIN_CLASS, IDS (array),
#   WAIT_SECONDS, STOP_SECONDS, ENDPOINTS (printed by `up`)
# and defines:
#   listen_addresses ID   the host:port pairs the process binds (checked free before start)
#   server_args ID        its arguments after the main class; the first two name it (e.g. --id m1)
#   healthy ID            true when it serves
#   describe ID           its addresses, for `status`

CLASSPATH_="$JAR:$(dirname "$JAR")/lib/*" # the JVM expands lib/*, not the shell

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'
  exit "${1:-2}"
}

pid_file() { printf '%s/pids/%s.pid' "$RUN_DIR" "$1"; }
log_file() { printf '%s/logs/%s.log' "$RUN_DIR" "$1"; }

# The pid of a running process of ours, or nothing. A pid file whose process is gone, or is no
# longer this server (the pid was reused), does not count.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 0
  pid=$(<"$file")
  if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
      && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$MAIN_CLASS $(server_args "$1" | cut -d' ' -f1-2) "; then
    printf '%s' "$pid"
  fi
}

# True when something accepts TCP connections on host:port.
port_open() {
  local host=${1%:*} port=${1##*:}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
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
    log "building (no $MAIN_CLASS in $MODULE's jar)"
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests install)
    jar_has_server || die "the build has no $MAIN_CLASS"
  fi
}

cmd_up() {
  build_if_needed
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs" "$RUN_DIR/data"

  local java_opts=() id pid addr SETSID=()
  command -v setsid >/dev/null && SETSID=(setsid)
  read -r -a java_opts <<<"${SKIFF_JAVA_OPTS:--XX:+UseParallelGC}"

  for id in "${IDS[@]}"; do
    pid=$(running_pid "$id")
    if [[ -n $pid ]]; then
      log "$id already running (pid $pid)"
      continue
    fi
    for addr in $(listen_addresses "$id"); do
      port_open "$addr" && die "$addr is already in use by another process; cannot start $id"
    done
    mkdir -p "$RUN_DIR/data/$id"
    printf '\n==== %s starting %s\n' "$(date '+%F %T')" "$id" >>"$(log_file "$id")"
    # setsid: the server gets its own session, so a Ctrl-C in the calling terminal does not reach it
    # (in a script a background job is no process group leader, so setsid execs in place: $! is java's pid)
    # shellcheck disable=SC2046
    "${SETSID[@]}" java "${java_opts[@]}" -cp "$CLASSPATH_" "$MAIN_CLASS" $(server_args "$id") \
      </dev/null >>"$(log_file "$id")" 2>&1 &
    echo $! >"$(pid_file "$id")"
    log "started $id (pid $!), log $(log_file "$id")"
  done

  log "waiting up to ${WAIT_SECONDS}s for $ENDPOINTS"
  local deadline=$((SECONDS + WAIT_SECONDS)) pending
  while true; do
    pending=()
    for id in "${IDS[@]}"; do
      # the pid just started, so alive is enough: its command line may not be java's yet (fork before exec)
      if ! kill -0 "$(<"$(pid_file "$id")")" 2>/dev/null; then
        show_log_tail "$id"
        die "$id exited during startup (see its log above); stop the others with: $0 down"
      fi
      healthy "$id" || pending+=("$id")
    done
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for id in "${pending[@]}"; do
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
  ((${#pids[@]} > 0)) || log "nothing was running"
  rm -f "$RUN_DIR"/pids/*.pid 2>/dev/null || true

  if $wipe; then
    rm -rf "$RUN_DIR/data" "$RUN_DIR/pki"
    log "deleted $RUN_DIR/data and its certificates"
  fi
}

# Exit status 0 when every process runs and answers, 1 otherwise.
cmd_status() {
  local id pid state health all_ok=0
  for id in "${IDS[@]}"; do
    pid=$(running_pid "$id")
    if [[ -n $pid ]]; then state="running (pid $pid)"; else state=stopped; all_ok=1; fi
    if healthy "$id"; then health=healthy; else health=unhealthy; all_ok=1; fi
    printf '%-3s %s %-20s %s\n' "$id" "$(describe "$id")" "$state" "$health"
  done
  printf 'endpoints: %s\nrun dir: %s\n' "$ENDPOINTS" "$RUN_DIR"
  return "$all_ok"
}

# Removes the Podman pods (and their containers) that the agent of node $1 made: it labels them.
# For `down --wipe` of the scripts that run agents.
remove_node_containers() {
  command -v podman >/dev/null || return 0
  local ids
  ids=$(CONTAINERS_CONF=/etc/skiff/containers.conf podman pod ps -q --filter "label=io.skiff.node=$1")
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086
    CONTAINERS_CONF=/etc/skiff/containers.conf podman pod rm -f -t 2 $ids >/dev/null
    log "removed $(wc -w <<<"$ids") Podman pods of node $1"
  fi
}

cluster_main() {
  case ${1:-} in
    up) shift; (($# == 0)) || die "up takes no arguments"; cmd_up ;;
    down) shift; cmd_down "$@" ;;
    status) shift; cmd_status ;;
    -h | --help | help) usage 0 ;;
    *) usage ;;
  esac
}
