# shellcheck shell=bash
# Shared by the benchmarks that compare Skiff's store with etcd (bench-store.sh, bench-failover.sh):
# three etcd members (Debian etcd-server 3.4, binary `etcd`) on loopback, with etcd's defaults
# (heartbeat 100 ms, election timeout 1000 ms), on ports of their own beside Skiff's:
#   e1: client 127.0.0.1:2381   peer 127.0.0.1:2382
#   e2: client 127.0.0.1:22381  peer 127.0.0.1:22382
#   e3: client 127.0.0.1:32381  peer 127.0.0.1:32382
# The sourcing script defines log, die and port_open, and sets WORK (data and logs go to WORK/etcd)
# before use. Its cleanup calls stop_etcd.

ETCD_NAMES=(e1 e2 e3)
declare -A ETCD_CLIENT=([e1]=127.0.0.1:2381 [e2]=127.0.0.1:22381 [e3]=127.0.0.1:32381)
declare -A ETCD_PEER=([e1]=127.0.0.1:2382 [e2]=127.0.0.1:22382 [e3]=127.0.0.1:32382)
ETCD_ENDPOINTS=127.0.0.1:2381,127.0.0.1:22381,127.0.0.1:32381
# the running members' pids by name
declare -A ETCD_PIDS=()

# start_etcd_member NAME: starts member NAME in the background on its data directory (a restarted
# member rejoins from it: etcd ignores the --initial-* flags once it has data).
start_etcd_member() {
  local name=$1 n cluster='' addr
  for n in "${ETCD_NAMES[@]}"; do cluster+="$n=http://${ETCD_PEER[$n]},"; done
  for addr in "${ETCD_CLIENT[$name]}" "${ETCD_PEER[$name]}"; do
    port_open "$addr" && die "$addr is already in use; cannot start etcd member $name"
  done
  mkdir -p "$WORK/etcd"
  # ETCD_* variables would override or conflict with the flags below
  local var unset_env=()
  while read -r var; do
    if [[ $var == ETCD_* ]]; then unset_env+=(-u "$var"); fi
  done < <(compgen -e)
  env "${unset_env[@]}" \
    etcd --name "$name" --data-dir "$WORK/etcd/$name" \
      --listen-client-urls "http://${ETCD_CLIENT[$name]}" --advertise-client-urls "http://${ETCD_CLIENT[$name]}" \
      --listen-peer-urls "http://${ETCD_PEER[$name]}" --initial-advertise-peer-urls "http://${ETCD_PEER[$name]}" \
      --initial-cluster "${cluster%,}" --initial-cluster-token skiff-bench --initial-cluster-state new \
      --logger zap --log-outputs stderr \
      </dev/null >>"$WORK/etcd/$name.log" 2>&1 &
  ETCD_PIDS[$name]=$!
}

# await_etcd [SECONDS]: waits until every member answers `etcdctl endpoint health` (a linearizable
# read on each; default 30 s); dies with the members' logs if one exits or time runs out.
await_etcd() {
  local bound=${1:-30} name deadline
  deadline=$((SECONDS + bound))
  until etcdctl --endpoints="$ETCD_ENDPOINTS" --dial-timeout=2s --command-timeout=3s endpoint health >/dev/null 2>&1; do
    for name in "${!ETCD_PIDS[@]}"; do
      kill -0 "${ETCD_PIDS[$name]}" 2>/dev/null && continue
      tail -n 15 "$WORK/etcd/$name.log" | sed "s/^/  [$name] /" >&2
      die "etcd member $name exited (log above)"
    done
    if ((SECONDS >= deadline)); then
      for name in "${ETCD_NAMES[@]}"; do
        tail -n 15 "$WORK/etcd/$name.log" | sed "s/^/  [$name] /" >&2
      done
      die "etcd was not healthy within ${bound}s (logs above)"
    fi
    sleep 0.5
  done
}

# start_etcd: the three members from empty data directories; waits until all are healthy.
start_etcd() {
  command -v etcd >/dev/null || die "etcd not found (apt-get install etcd-server)"
  command -v etcdctl >/dev/null || die "etcdctl not found (apt-get install etcd-client)"
  local name
  rm -rf "$WORK/etcd"
  log "starting etcd ($(etcd --version | head -n 1)) on $ETCD_ENDPOINTS"
  for name in "${ETCD_NAMES[@]}"; do start_etcd_member "$name"; done
  await_etcd 30
  log "etcd is healthy"
}

# restart_dead_etcd: starts again, from its data, every member whose process has exited; waits
# until all are healthy.
restart_dead_etcd() {
  local name
  for name in "${ETCD_NAMES[@]}"; do
    if ! kill -0 "${ETCD_PIDS[$name]}" 2>/dev/null; then
      wait "${ETCD_PIDS[$name]}" 2>/dev/null || true
      start_etcd_member "$name"
    fi
  done
  await_etcd 60
}

# stop_etcd: TERM, then KILL whatever still runs after 10 s.
stop_etcd() {
  ((${#ETCD_PIDS[@]} > 0)) || return 0
  local pid deadline=$((SECONDS + 10))
  kill -TERM "${ETCD_PIDS[@]}" 2>/dev/null || true
  for pid in "${ETCD_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ETCD_PIDS=()
  log "etcd stopped"
}
