#!/usr/bin/env bash
# Benchmarks the Skiff API: real master processes (control-plane's MasterMain) driven by the API
# benchmark client (io.skiff.controlplane.bench.ApiBenchmark, plain gRPC stubs), with the store's own
# etcd API on the same masters as the baseline (io.skiff.store.bench.StoreBenchmark, puts of the
# same key and value sizes as the pods). First one master, then three, then the cost of security.
# The masters of the first two run --insecure (plaintext, no authentication): the baseline, and the
# store rows need it (a secure master's etcd port takes only system:masters client certificates).
#
#   memory     (one master, fresh) live heap after a full GC, and RSS, before and after creating
#              --mem-pods realistic pods (~1 KB each as stored)
#   writes     Pod create and Pod update (an annotation, with the last resource_version as the
#              precondition), 1 client and 50 clients (6 channels); store puts, 1 and 50 clients.
#              Three masters: channel i to master i mod 3, clients spread over the channels.
#              Each master set is warmed up first (--warm API writes, then store puts, not measured).
#   watch      (one master) 1,000 Pod watchers over 10 channels while one writer creates 1,000 pods,
#              back to back and then paced at 100/s; per (watcher, pod) the delay from the Create's
#              response to the ADDED event's arrival
#   security   one master, fresh, in each of three modes: plaintext (--insecure); TLS with the admin
#              client certificate (mutual TLS, group system:masters: authorized without a binding
#              lookup); TLS with a bearer token of user "bench", bound to cluster-admin by a
#              ClusterRoleBinding (made through the API with the admin certificate: each call looks the
#              token up and checks the bindings). Warmed up as the writes rows (API writes only), then
#              Pod create, update and get (each client its own pod), 1 client and 50 clients, and
#              --handshakes new channels opened one by one, each timed to READY (TCP, TLS, HTTP/2).
#              The table gives each mode's req/s and p50 as a ratio to plaintext's.
#
# usage: scripts/bench-api.sh [--only one|three|security] [--warm N] [--total N] [--total-serial N]
#                             [--mem-pods N] [--watchers N] [--watch-pods N] [--handshakes N] [--quick]
#                             [--out FILE] [--keep]
#
#   --only WHAT        one master only, three masters only, or the security rows only (default: all)
#   --warm N           unmeasured API writes before a master set's rows (default 100000; half creates,
#                      half updates, 50 clients), then N/3 unmeasured store puts
#   --total N          measured requests of each 50-client row (default 20000)
#   --total-serial N   measured requests of each 1-client row (default 5000)
#   --row-seconds S    a row ends after its requests or S seconds, whichever comes first (default 20)
#   --warm-seconds S   bound on each warm-up phase (default 45)
#   --mem-pods N       pods created for the memory measurement (default 10000)
#   --watchers N       watchers of the fan-out (default 1000); --watch-pods N: pods written (default 1000)
#   --handshakes N     new channels timed in each security mode (default 500)
#   --quick            a smoke run: --warm 4000 --total 2000 --total-serial 300 --row-seconds 10
#                      --mem-pods 1000 --watchers 100 --watch-pods 100 --handshakes 100 (numbers meaningless)
#   --out FILE         also append the RESULT lines and the tables to FILE
#   --keep             keep the work directory (data, master logs, raw client output)
#
# Masters use the documented ports (API 6443/6444/6445, store 2379/22379/32379, Raft
# 12380/22380/32380); the script stops if one is taken. Clients run with C1 only and the serial GC
# (BENCH_JAVA_OPTS), so that they take little of the CPU that the masters need; masters run with
# SKIFF_JAVA_OPTS (default -XX:+UseParallelGC, as scripts/store-cluster.sh) and --controllers false
# (the API alone). Every client phase is bounded by BENCH_MAX_SECONDS (default 180), so the script
# ends by itself. Needs a JDK (jcmd). The bearer token of the security rows goes from the client that
# makes it to the clients that use it on their command lines only; it is never written to a file or log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=bench-api
# shellcheck source=lib/bench.sh
source "$ROOT/scripts/lib/bench.sh"
API_MAIN=io.skiff.controlplane.bench.ApiBenchmark
STORE_MAIN=io.skiff.store.bench.StoreBenchmark
MAX_SECONDS=${BENCH_MAX_SECONDS:-180}
# the API alone: no scheduler trying to place the pods, no garbage collector deleting them (their
# owner reference names a ReplicaSet that does not exist)
MASTER_ARGS=(--controllers false)

ONLY=all
WARM=100000
TOTAL=20000
TOTAL_SERIAL=5000
ROW_SECONDS=20
WARM_SECONDS=45
MEM_PODS=10000
WATCHERS=1000
WATCH_PODS=1000
HANDSHAKES=500
OUT=
KEEP=false

while (($#)); do
  case $1 in
    --only) ONLY=${2:-}; shift 2 || die "--only needs one, three or security" ;;
    --warm) number "$1" "${2:-}"; WARM=$2; shift 2 ;;
    --total) number "$1" "${2:-}"; TOTAL=$2; shift 2 ;;
    --total-serial) number "$1" "${2:-}"; TOTAL_SERIAL=$2; shift 2 ;;
    --row-seconds) number "$1" "${2:-}"; ROW_SECONDS=$2; shift 2 ;;
    --warm-seconds) number "$1" "${2:-}"; WARM_SECONDS=$2; shift 2 ;;
    --mem-pods) number "$1" "${2:-}"; MEM_PODS=$2; shift 2 ;;
    --watchers) number "$1" "${2:-}"; WATCHERS=$2; shift 2 ;;
    --watch-pods) number "$1" "${2:-}"; WATCH_PODS=$2; shift 2 ;;
    --handshakes) number "$1" "${2:-}"; HANDSHAKES=$2; shift 2 ;;
    --quick) WARM=4000 TOTAL=2000 TOTAL_SERIAL=300 ROW_SECONDS=10 MEM_PODS=1000 WATCHERS=100 WATCH_PODS=100 HANDSHAKES=100; shift ;;
    --out) OUT=${2:-}; shift 2 || die "--out needs a file" ;;
    --keep) KEEP=true; shift ;;
    -h | --help) usage 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
[[ $ONLY =~ ^(all|one|three|security)$ ]] || die "--only must be one, three or security"
want() { [[ $ONLY == all || $ONLY == "$1" ]]; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench-api.XXXXXX")

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_masters
  if $KEEP; then log "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- rows ------------------------------------------------------------------------------------

# writes SETUP: the warm-up, then the API and store rows of one master set.
writes() {
  local setup=$1 clients conns op
  if ((WARM > 0)); then
    log "$setup: warm-up, $((WARM / 2)) creates and $((WARM / 2)) updates by 50 clients, then $((WARM / 3)) store puts"
    BOUND=$WARM_SECONDS measure "$setup.warm-create" "$API_MAIN" load --apis "$APIS" --op create --clients 50 --conns 6 --total $((WARM / 2)) --label warm
    BOUND=$WARM_SECONDS measure "$setup.warm-update" "$API_MAIN" load --apis "$APIS" --op update --clients 50 --conns 6 --total $((WARM / 2)) --label warm
    BOUND=$WARM_SECONDS measure "$setup.warm-put" "$STORE_MAIN" --endpoints "$STORES" --target all --op put --clients 50 --conns 6 \
      --key-size "$KEY_BYTES" --val-size "$VALUE_BYTES" --total $((WARM / 3)) --label warm
  fi
  for clients in 1 50; do
    local total=$TOTAL conns=6
    ((clients == 1)) && total=$TOTAL_SERIAL conns=1
    for op in create update; do
      log "$setup: Pod $op, $clients client(s), $total requests"
      BOUND=$ROW_SECONDS measure "$setup.$op.$clients" "$API_MAIN" load --apis "$APIS" --op "$op" --clients "$clients" --conns "$conns" \
        --total "$total" --warmup $((total / 10)) --label "$setup-$op-$clients"
    done
    log "$setup: store put, $clients client(s), $total requests"
    BOUND=$ROW_SECONDS measure "$setup.put.$clients" "$STORE_MAIN" --endpoints "$STORES" --target all --op put \
      --clients "$clients" --conns "$conns" --key-size "$KEY_BYTES" --val-size "$VALUE_BYTES" --total "$total" \
      --warmup $((total / 10)) \
      --label "$setup-put-$clients"
  done
}

# ---- security --------------------------------------------------------------------------------

SECURITY_MODES=(plaintext cert token)
declare -A SECURITY_TITLE=([plaintext]="plaintext (--insecure)" [cert]="TLS, admin cert" [token]="TLS, bearer token")

# security MODE: one fresh master in MODE (plaintext, cert or token), warmed up as the writes rows
# are (API writes only), then Pod create, update and get by 1 and 50 clients, then new channels.
security() {
  local mode=$1 pki=$WORK/data/m1/pki clients conns total op token
  local -a creds=()
  if [[ $mode == plaintext ]]; then
    MASTER_SECURITY=(--insecure) CLIENT_TLS=()
  else
    # the master writes these at start; until then the wait for its API fails and is retried
    MASTER_SECURITY=() CLIENT_TLS=(--ca-file "$pki/ca.crt" --cert-file "$pki/admin.crt" --key-file "$pki/admin.key")
  fi
  start_masters 1
  creds=("${CLIENT_TLS[@]}")
  if [[ $mode == token ]]; then
    # stdout is the token alone; stderr names it by its ID only
    token=$(client "$API_MAIN" grant-token --apis "$APIS" --user bench "${CLIENT_TLS[@]}" --max-seconds 60 \
      2>"$WORK/sec.grant-token.err") || { tail -n 5 "$WORK/sec.grant-token.err" >&2; die "could not make the bearer token"; }
    log "security: $(tail -n 1 "$WORK/sec.grant-token.err")"
    creds=(--ca-file "$pki/ca.crt" --token "$token")
  fi
  if ((WARM > 0)); then
    log "security $mode: warm-up, $((WARM / 2)) creates and $((WARM / 2)) updates by 50 clients"
    BOUND=$WARM_SECONDS measure "sec.$mode.warm-create" "$API_MAIN" load --apis "$APIS" "${creds[@]}" --op create \
      --clients 50 --conns 6 --total $((WARM / 2)) --label warm
    BOUND=$WARM_SECONDS measure "sec.$mode.warm-update" "$API_MAIN" load --apis "$APIS" "${creds[@]}" --op update \
      --clients 50 --conns 6 --total $((WARM / 2)) --label warm
  fi
  for clients in 1 50; do
    total=$TOTAL conns=6
    ((clients == 1)) && total=$TOTAL_SERIAL conns=1
    for op in create update get; do
      log "security $mode: Pod $op, $clients client(s), $total requests"
      BOUND=$ROW_SECONDS measure "sec.$mode.$op.$clients" "$API_MAIN" load --apis "$APIS" "${creds[@]}" --op "$op" \
        --clients "$clients" --conns "$conns" --total "$total" --warmup $((total / 10)) --label "sec-$mode-$op-$clients"
    done
  done
  log "security $mode: $HANDSHAKES new channels, each timed to READY"
  measure "sec.$mode.handshake" "$API_MAIN" handshake --apis "$APIS" "${creds[@]}" --channels "$HANDSHAKES" \
    --label "sec-$mode-handshake"
  stop_masters
  MASTER_SECURITY=(--insecure) CLIENT_TLS=()
}

# ---- memory ----------------------------------------------------------------------------------

memory() {
  local pid=${MASTER_PIDS[m1]}
  command -v jcmd >/dev/null || { log "no jcmd (a JDK's tool): no memory numbers"; FAILED=1; return 0; }
  log "memory: before and after $MEM_PODS pods (live heap after a full GC, RSS)"
  heap_snapshot "$pid" before
  measure mem.populate "$API_MAIN" populate --apis "$APIS" --namespace bench-memory --pods "$MEM_PODS" \
    --clients 20 --conns 2 --label memory
  heap_snapshot "$pid" after
  # the classes that grew most, for the doc
  awk 'FNR == NR && $1 ~ /:$/ { before[$4] = $3; next } $1 ~ /:$/ { printf "%d %d %s\n", $3 - before[$4], $2, $4 }' \
    "$WORK/histo-before.txt" "$WORK/histo-after.txt" | sort -rn | awk "NR <= 12" >"$WORK/histo-growth.txt"
  log "classes that grew most (bytes, instances after, class):"
  sed 's/^/  /' "$WORK/histo-growth.txt" >&2
}

# ---- report ----------------------------------------------------------------------------------

# ratio KEY1 KEY2 [FIELD]: RES[KEY1.FIELD] / RES[KEY2.FIELD] (default rps), or - if either is missing.
ratio() {
  local field=${3:-rps}
  awk -v a="${RES[$1.$field]:-}" -v b="${RES[$2.$field]:-}" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else printf "-" }'
}

print_security() {
  local op clients mode key
  want security || return 0
  if want one || want three; then echo; fi
  printf '%-44s %8s %9s %9s %9s %9s %11s %11s\n' "security (one master, 1 KB pods)" requests "req/s" "p50 ms" \
    "p99 ms" "max ms" "req/s /pt" "p50 /pt"
  for op in create update get; do
    for clients in 1 50; do
      for mode in "${SECURITY_MODES[@]}"; do
        key=sec.$mode.$op.$clients
        printf '%-44s %8s %9s %9s %9s %9s %11s %11s\n' "Pod $op, $clients cl, ${SECURITY_TITLE[$mode]}" \
          "$(cell "$key.requests")" "$(cell "$key.rps")" "$(cell "$key.p50_ms")" "$(cell "$key.p99_ms")" \
          "$(cell "$key.max_ms")" "$(ratio "$key" "sec.plaintext.$op.$clients")" \
          "$(ratio "$key" "sec.plaintext.$op.$clients" p50_ms)"
      done
    done
  done
  echo
  printf '%-44s %8s %9s %9s %9s %9s %11s %11s\n' "new channel to READY" channels "" "p50 ms" "p99 ms" "max ms" "" "p50 /pt"
  for mode in "${SECURITY_MODES[@]}"; do
    key=sec.$mode.handshake
    printf '%-44s %8s %9s %9s %9s %9s %11s %11s\n' "${SECURITY_TITLE[$mode]}" "$(cell "$key.channels")" "" \
      "$(cell "$key.p50_ms")" "$(cell "$key.p99_ms")" "$(cell "$key.max_ms")" "" \
      "$(ratio "$key" sec.plaintext.handshake p50_ms)"
  done
}

print_tables() {
  local setup op clients title
  if want one || want three; then
    printf '%-34s %8s %9s %9s %9s %9s %13s\n' "writes (1 KB pods)" requests "req/s" "p50 ms" "p99 ms" "max ms" "of store put"
  fi
  for setup in one three; do
    [[ -n ${RES[$setup.create.1.rps]:-} || -n ${RES[$setup.put.1.rps]:-} ]] || continue
    for clients in 1 50; do
      for op in create update put; do
        title="$setup master$([[ $setup == three ]] && echo s), $([[ $op == put ]] && echo 'store put' || echo "Pod $op"), $clients cl"
        printf '%-34s %8s %9s %9s %9s %9s %13s\n' "$title" "$(cell "$setup.$op.$clients.requests")" \
          "$(cell "$setup.$op.$clients.rps")" "$(cell "$setup.$op.$clients.p50_ms")" \
          "$(cell "$setup.$op.$clients.p99_ms")" "$(cell "$setup.$op.$clients.max_ms")" \
          "$([[ $op == put ]] && echo - || ratio "$setup.$op.$clients" "$setup.put.$clients")"
      done
    done
  done
  if [[ -n ${RES[watch.burst.received]:-} || -n ${RES[watch.paced.received]:-} ]]; then
    echo
    printf '%-42s %15s %9s %9s %9s %11s %9s\n' "watch fan-out (one master)" "events" "p50 ms" "p99 ms" "max ms" "writes/s" "drain ms"
    for op in burst paced; do
      [[ -n ${RES[watch.$op.received]:-} ]] || continue
      printf '%-42s %15s %9s %9s %9s %11s %9s\n' \
        "${RES[watch.$op.watchers]} watchers, ${RES[watch.$op.pods]} pods, $([[ $op == burst ]] && echo 'back to back' || echo "${RES[watch.$op.rate]}/s")" \
        "${RES[watch.$op.received]}/${RES[watch.$op.expected]}" "$(cell "watch.$op.p50_ms")" \
        "$(cell "watch.$op.p99_ms")" "$(cell "watch.$op.max_ms")" "$(cell "watch.$op.write_rps")" \
        "$(cell "watch.$op.drain_ms")"
    done
  fi
  if [[ -n ${RES[mem.after.live]:-} ]]; then
    echo
    local delta=$((RES[mem.after.live] - RES[mem.before.live])) rss=$((RES[mem.after.rss] - RES[mem.before.rss]))
    printf 'memory (one master): live heap %s -> %s MiB (+%s MiB for %s pods, %s bytes/pod); RSS %s -> %s MiB (+%s MiB)\n' \
      "$(mb "${RES[mem.before.live]}")" "$(mb "${RES[mem.after.live]}")" "$(mb $delta)" "$MEM_PODS" \
      "$((delta / MEM_PODS))" "$(mb "${RES[mem.before.rss]}")" "$(mb "${RES[mem.after.rss]}")" "$(mb $rss)"
  fi
  print_security
}

# ---- main ------------------------------------------------------------------------------------

build_if_needed "$API_MAIN" "$JAR" control-plane
machine_load
STARTED=$SECONDS

if want one; then
  start_masters 1
  memory
  measure pod-size "$API_MAIN" pod-size --apis "$APIS" --label size
  KEY_BYTES=${RES[pod-size.key_bytes]:-40} VALUE_BYTES=${RES[pod-size.value_bytes]:-1000}
  writes one
  log "watch fan-out: $WATCHERS watchers, $WATCH_PODS pods back to back, then paced at 100/s"
  measure watch.burst "$API_MAIN" watch --apis "$APIS" --watchers "$WATCHERS" --conns 10 --pods "$WATCH_PODS" --label burst
  measure watch.paced "$API_MAIN" watch --apis "$APIS" --watchers "$WATCHERS" --conns 10 --pods "$WATCH_PODS" --rate 100 --label paced
  stop_masters
fi

if want three; then
  start_masters 3
  if [[ -z ${KEY_BYTES:-} ]]; then
    measure pod-size "$API_MAIN" pod-size --apis "$APIS" --label size
    KEY_BYTES=${RES[pod-size.key_bytes]:-40} VALUE_BYTES=${RES[pod-size.value_bytes]:-1000}
  fi
  writes three
  stop_masters
fi

if want security; then
  for mode in "${SECURITY_MODES[@]}"; do security "$mode"; done
fi

echo
tables=$(print_tables)
printf '%s\n' "$tables"
log "done in $((SECONDS - STARTED)) s"
if [[ -n $OUT ]]; then
  printf '# %s, %s cores, load before %s, --warm %s --total %s --total-serial %s\n%s\n\n' "$(date '+%F %T')" \
    "$(nproc)" "$LOAD" "$WARM" "$TOTAL" "$TOTAL_SERIAL" "$tables" >>"$OUT"
  if [[ -f $WORK/histo-growth.txt ]]; then sed 's/^/# grew: /' "$WORK/histo-growth.txt" >>"$OUT"; fi
fi
((FAILED == 0)) || die "some runs failed (see above)"
