# Shared by the benchmarks of the control plane (bench-api.sh, bench-scheduler.sh, bench-failover.sh):
# master processes on the documented ports, hollow nodes, the Java benchmark clients, their RESULT
# lines, memory snapshots. The sourcing script sets before sourcing:
#   ROOT, NAME (prefix of log lines)
# and before use:
#   WORK (its work directory), MAX_SECONDS (bound on a client phase), OUT (a file for RESULT lines, or empty)
# It may set MASTER_ARGS (an array: extra flags for every master).
# Masters run --insecure (plaintext, no authentication: every caller is cluster-admin), as the
# benchmarks' rows have always measured, unless the script empties MASTER_SECURITY: then they serve
# TLS from DATA_DIR/pki (ca.crt, admin.crt/.key made at start), and CLIENT_TLS holds the flags with
# which the API benchmark client reaches them (bench-api.sh's security rows).

JAR=$ROOT/control-plane/target/skiff-control-plane.jar
CP="$JAR:$ROOT/control-plane/target/lib/*" # the JVM expands lib/*, not the shell
MASTER_MAIN=io.skiff.controlplane.master.MasterMain
# Clients run C1 only with the serial GC so that they take little of the CPU the masters need;
# masters with SKIFF_JAVA_OPTS (default the parallel GC, as scripts/store-cluster.sh).
read -r -a CLIENT_OPTS <<<"${BENCH_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
read -r -a MASTER_OPTS <<<"${SKIFF_JAVA_OPTS:--XX:+UseParallelGC}"
MASTER_ARGS=()
MASTER_SECURITY=(--insecure)
CLIENT_TLS=()

IDS=(m1 m2 m3)
declare -A API=([m1]=127.0.0.1:6443 [m2]=127.0.0.1:6444 [m3]=127.0.0.1:6445)
declare -A STORE=([m1]=127.0.0.1:2379 [m2]=127.0.0.1:22379 [m3]=127.0.0.1:32379)
declare -A RAFT=([m1]=127.0.0.1:12380 [m2]=127.0.0.1:22380 [m3]=127.0.0.1:32380)
# the running masters' pids by id
declare -A MASTER_PIDS=()
declare -A RES=()
FAILED=0

log() { printf '%s: %s\n' "$NAME" "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed -n 's/^# \{0,1\}//p'; exit "${1:-2}"; }
number() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 needs a number, not '$2'"; }
port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# build_if_needed MAIN_CLASS JAR MODULES: builds MODULES (and what they need) in the reactor when JAR
# lacks MAIN_CLASS; `package` is enough (target/lib holds the dependencies), nothing is installed.
build_if_needed() {
  # a jar's central directory stores entry names uncompressed, so grep finds the class entry
  [[ -f $2 ]] && LC_ALL=C grep -qa "${1//.//}.class" "$2" && return 0
  log "building $3 (no $1 in $(basename "$2"))"
  (cd "$ROOT" && mvn -q -B -ntp -pl "$3" -am package -DskipTests) || die "the build failed"
}

# machine_load: the 1-minute load average, logged with the machine; warns when other work runs.
machine_load() {
  local busy
  busy=$(awk '{ print $1 }' /proc/loadavg)
  log "machine: $(nproc) cores, load average $busy, $(java -version 2>&1 | head -n 1); work dir $WORK"
  awk -v l="$busy" -v n="$(nproc)" 'BEGIN { exit !(l > n / 4) }' \
    && log "warning: other work is running (load $busy): numbers will be lower than on an idle machine"
  LOAD=$busy
}

# ---- masters ---------------------------------------------------------------------------------

# peers_of N: the --peers value of masters m1..mN.
peers_of() {
  local i id peers=
  for ((i = 0; i < $1; i++)); do
    id=${IDS[$i]}
    peers+="$id=${RAFT[$id]}/${STORE[$id]},"
  done
  printf '%s' "${peers%,}"
}

# apis_of N: the API endpoints of masters m1..mN, comma-separated.
apis_of() {
  local i apis=
  for ((i = 0; i < $1; i++)); do apis+="${API[${IDS[$i]}]},"; done
  printf '%s' "${apis%,}"
}

# start_master ID N: starts master ID of a set of N on its data directory (kept if there), in the background.
start_master() {
  local id=$1 n=$2 addr
  for addr in "${API[$id]}" "${STORE[$id]}" "${RAFT[$id]}"; do
    port_open "$addr" && die "$addr is already in use; cannot start master $id"
  done
  java "${MASTER_OPTS[@]}" -cp "$CP" "$MASTER_MAIN" --id "$id" --peers "$(peers_of "$n")" \
    --data-dir "$WORK/data/$id" --api-address "${API[$id]}" "${MASTER_SECURITY[@]}" "${MASTER_ARGS[@]}" </dev/null >>"$WORK/$id-$n.log" 2>&1 &
  MASTER_PIDS[$id]=$!
}

# await_masters N [SECONDS]: waits until every running master's API serves (default 120 s); dies with their logs if not.
# Over TLS the client fails until the master has written its PKI files, and is simply asked again.
await_masters() {
  local n=$1 bound=${2:-120} id dead deadline
  deadline=$((SECONDS + bound))
  until client io.skiff.controlplane.bench.ApiBenchmark wait --apis "$(apis_of "$n")" "${CLIENT_TLS[@]}" \
    --max-seconds 5 >/dev/null 2>&1; do
    dead=
    for id in "${!MASTER_PIDS[@]}"; do kill -0 "${MASTER_PIDS[$id]}" 2>/dev/null || dead+=" $id"; done
    if [[ -n $dead ]] || ((SECONDS >= deadline)); then
      for id in "${!MASTER_PIDS[@]}"; do tail -n 20 "$WORK/$id-$n.log" | sed "s/^/  [$id] /" >&2; done
      die "the masters did not serve within $bound s${dead:+ (exited:$dead)} (logs above)"
    fi
  done
}

# start_masters N: masters m1..mN, peers of each other, fresh data; waits until every API serves.
start_masters() {
  local n=$1 i
  rm -rf "$WORK/data"
  for ((i = 0; i < n; i++)); do start_master "${IDS[$i]}" "$n"; done
  APIS=$(apis_of "$n")
  STORES=$(for ((i = 0; i < n; i++)); do printf '%s,' "${STORE[${IDS[$i]}]}"; done)
  STORES=${STORES%,}
  log "started $n master(s) (pids ${MASTER_PIDS[*]}); waiting for their APIs"
  await_masters "$n"
}

# stop_pids PID...: TERM, then KILL whatever still runs after 15 s; reaps them.
stop_pids() {
  (($# > 0)) || return 0
  local pid deadline=$((SECONDS + 15))
  kill -TERM "$@" 2>/dev/null || true
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

stop_masters() {
  stop_pids "${MASTER_PIDS[@]}"
  MASTER_PIDS=()
}

# ---- hollow nodes ----------------------------------------------------------------------------

HOLLOW_JAR=$ROOT/node-agent/target/skiff-node-agent.jar
HOLLOW_CP="$HOLLOW_JAR:$ROOT/node-agent/target/lib/*"
HOLLOW_MAIN=io.skiff.agent.hollow.HollowNodesMain
read -r -a HOLLOW_OPTS <<<"${SKIFF_HOLLOW_JAVA_OPTS:--XX:+UseParallelGC -Dlogback.configurationFile=hollow-logback.xml}"
HOLLOW_WAIT_SECONDS=300
HOLLOW_PID=

# start_hollow COUNT: COUNT hollow nodes in one JVM against the masters at APIS (--insecure masters
# only: the nodes have no certificates here); waits (bounded by HOLLOW_WAIT_SECONDS) until all registered.
start_hollow() {
  local count=$1 log_file=$WORK/hollow-$1.log deadline=$((SECONDS + HOLLOW_WAIT_SECONDS))
  [[ " ${MASTER_SECURITY[*]} " == *" --insecure "* ]] || die "hollow nodes need --insecure masters"
  java "${HOLLOW_OPTS[@]}" -cp "$HOLLOW_CP" "$HOLLOW_MAIN" --count "$count" --masters "$APIS" --port 0 --insecure \
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

# ---- clients ---------------------------------------------------------------------------------

# client MAIN ARGS...: runs a benchmark client on the control plane's classpath (CLIENT_CP overrides it).
client() {
  local main=$1
  shift
  java "${CLIENT_OPTS[@]}" -cp "${CLIENT_CP:-$CP}" "$main" "$@"
}

# measure KEY MAIN ARGS...: runs a client, keeps the fields of its RESULT line as RES[KEY.field].
# Each phase of the client is bounded by BOUND seconds (default MAX_SECONDS).
measure() {
  local key=$1 out=$WORK/$1.out rc=0 line kv
  shift
  client "$@" --max-seconds "${BOUND:-$MAX_SECONDS}" >"$out" 2>"$out.err" || rc=$?
  sed -n '/^RESULT /!p' "$out" >&2
  line=$(sed -n 's/^RESULT //p' "$out")
  if ((rc != 0)) || [[ -z $line ]]; then
    log "$key failed (exit $rc):"
    tail -n 5 "$out.err" | sed 's/^/  /' >&2
    FAILED=1
  fi
  [[ -n $OUT && -n $line ]] && printf 'RESULT key=%s %s\n' "$key" "$line" >>"$OUT"
  for kv in $line; do RES[$key.${kv%%=*}]=${kv#*=}; done
}

# ---- memory ----------------------------------------------------------------------------------

# heap_snapshot PID NAME: RES[mem.NAME.live], the live heap (jcmd GC.class_histogram collects first:
# its Total line), and RES[mem.NAME.rss]; the histogram stays in WORK/histo-NAME.txt.
heap_snapshot() {
  jcmd "$1" GC.class_histogram >"$WORK/histo-$2.txt"
  RES[mem.$2.live]=$(awk '$1 == "Total" { print $3 }' "$WORK/histo-$2.txt")
  RES[mem.$2.rss]=$(awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status")
}

mb() { awk -v b="${1:-0}" 'BEGIN { printf "%.1f", b / 1048576 }'; }
cell() { printf '%s' "${RES[$1]:--}"; }
