#!/usr/bin/env bash
# Sets up Podman for Skiff's node agent on a Debian 12 machine, as root. Safe to run again:
# each step is skipped when already done, and the script says what it did.
#
#   scripts/podman-setup.sh [start]   install, configure, start the API service, build the image
#   scripts/podman-setup.sh stop      stop the API service this script started
#   scripts/podman-setup.sh status    say whether the socket answers
#
# start:
#   1. installs podman, runc and busybox-static with apt-get when missing;
#   2. writes the project's containers.conf (runc with cgroupfs, since crun fails on these
#      machines' hybrid cgroups; file events; container ulimits within this shell's hard limits,
#      since the sandbox lacks CAP_SYS_RESOURCE and podman caps its own RLIMIT_NPROC at 32768);
#   3. starts `podman system service --time=0` on the socket, with CONTAINERS_CONF pointing at
#      that file, unless the socket already answers;
#   4. builds localhost/busybox:latest from busybox-static (no registry is reachable) when missing.
#
# Everything podman does through that socket uses the project's containers.conf; to use the
# podman command line the same way: `export CONTAINERS_CONF=/etc/skiff/containers.conf`.
#
# Environment:
#   SKIFF_CONTAINERS_CONF   the containers.conf to write (default /etc/skiff/containers.conf)
#   SKIFF_PODMAN_SOCKET     the API socket (default /run/skiff/podman.sock)
#   SKIFF_PODMAN_RUN_DIR    pid file and log of the service (default /run/skiff)
#   SKIFF_BUSYBOX_IMAGE     the image to build (default localhost/busybox:latest)
#   SKIFF_PODMAN_WAIT_SECONDS  how long to wait for the socket to answer (default 30)
set -euo pipefail

CONF=${SKIFF_CONTAINERS_CONF:-/etc/skiff/containers.conf}
SOCKET=${SKIFF_PODMAN_SOCKET:-/run/skiff/podman.sock}
RUN_DIR=${SKIFF_PODMAN_RUN_DIR:-/run/skiff}
IMAGE=${SKIFF_BUSYBOX_IMAGE:-localhost/busybox:latest}
WAIT_SECONDS=${SKIFF_PODMAN_WAIT_SECONDS:-30}
PID_FILE=$RUN_DIR/podman-service.pid
LOG_FILE=$RUN_DIR/podman-service.log
# podman lowers its own RLIMIT_NPROC to this; a container asking for more cannot start
NPROC_LIMIT=32768

log() { printf 'podman-setup: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p'; exit "${1:-2}"; }

# True when the API answers its ping on the socket.
socket_answers() {
  [[ -S $SOCKET ]] && [[ $(curl -s -m 2 --unix-socket "$SOCKET" http://d/v4.0.0/libpod/_ping 2>/dev/null) == OK ]]
}

# The pid of the service this script started, or nothing (a stale pid file does not count).
service_pid() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "system service .*$SOCKET"; then
    printf '%s' "$pid"
  fi
}

install_packages() {
  local need=()
  command -v podman >/dev/null || need+=(podman)
  command -v runc >/dev/null || need+=(runc)
  # the image needs the static build: Debian's plain busybox package also installs /bin/busybox
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || need+=(busybox-static)
  command -v curl >/dev/null || need+=(curl)
  if ((${#need[@]} == 0)); then
    log "packages: podman, runc, busybox-static and curl are installed"
    return
  fi
  log "packages: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
}

write_conf() {
  local nofile content
  nofile=$(ulimit -Hn)
  [[ $nofile == unlimited ]] && nofile=1048576
  content=$(cat <<EOF
# Written by scripts/podman-setup.sh; used through CONTAINERS_CONF by Skiff's Podman service.
[containers]
# within the caller's hard limits: raising a limit needs CAP_SYS_RESOURCE, which the sandbox lacks
default_ulimits = [
  "nofile=$nofile:$nofile",
  "nproc=$NPROC_LIMIT:$NPROC_LIMIT",
]

[engine]
# crun fails here ("cgroups in hybrid mode not supported")
runtime = "runc"
cgroup_manager = "cgroupfs"
# no journald here: events go to a file, which the events API streams from
events_logger = "file"
EOF
)
  if [[ -f $CONF && $(<"$CONF") == "$content" ]]; then
    log "config: $CONF is up to date"
    return
  fi
  mkdir -p "$(dirname "$CONF")"
  printf '%s\n' "$content" >"$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
  log "config: wrote $CONF (nofile=$nofile, nproc=$NPROC_LIMIT)"
  if socket_answers; then
    log "config: the running service still has the old settings; run '$0 stop' and '$0' to apply them"
  fi
}

start_service() {
  if socket_answers; then
    log "service: $SOCKET already answers"
    return
  fi
  local pid
  pid=$(service_pid)
  if [[ -n $pid ]]; then
    log "service: pid $pid does not answer on $SOCKET; stopping it"
    stop_service
  fi
  mkdir -p "$RUN_DIR" "$(dirname "$SOCKET")"
  rm -f "$SOCKET"
  # setsid: the service outlives this script and its session (it keeps running until `stop`).
  # In RUN_DIR: podman 4.3 starts conmon in its own working directory, where conmon leaves an
  # `oom` file whenever a container is OOM-killed (podman then looks for it elsewhere).
  (cd "$RUN_DIR" && CONTAINERS_CONF=$CONF exec setsid podman system service --time=0 "unix://$SOCKET" \
    </dev/null >>"$LOG_FILE" 2>&1) &
  pid=$!
  echo "$pid" >"$PID_FILE"
  local deadline=$((SECONDS + WAIT_SECONDS))
  until socket_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG_FILE" | sed 's/^/  /' >&2
      rm -f "$PID_FILE"
      die "podman system service exited (log above, $LOG_FILE)"
    fi
    ((SECONDS < deadline)) || die "$SOCKET did not answer within ${WAIT_SECONDS}s (log: $LOG_FILE)"
    sleep 0.2
  done
  log "service: started podman system service (pid $pid) on $SOCKET, log $LOG_FILE"
}

stop_service() {
  local pid
  pid=$(service_pid)
  if [[ -z $pid ]]; then
    rm -f "$PID_FILE"
    log "service: not running (no live pid in $PID_FILE)"
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    log "service: pid $pid did not stop within 10s; killed it"
  else
    log "service: stopped pid $pid"
  fi
  rm -f "$PID_FILE" "$SOCKET"
}

build_image() {
  if CONTAINERS_CONF=$CONF podman image exists "$IMAGE"; then
    log "image: $IMAGE exists"
    return
  fi
  local rootfs applet
  rootfs=$(mktemp -d "${TMPDIR:-/tmp}/skiff-busybox.XXXXXX")
  ROOTFS=$rootfs # removed on exit
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,proc,sys,dev,run,var}
  mkdir -m 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  # --list-full names each applet with its usual directory (bin/sh, usr/sbin/httpd, ...)
  while read -r applet; do
    [[ -e $rootfs/$applet ]] || ln -s /bin/busybox "$rootfs/$applet"
  done < <(/bin/busybox --list-full)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$rootfs/etc/group"
  tar -C "$rootfs" -cf - . \
    | CONTAINERS_CONF=$CONF podman import --quiet --change 'CMD ["sh"]' - "$IMAGE" >/dev/null
  log "image: built $IMAGE from busybox-static ($(/bin/busybox --list | wc -l) applets)"
}

ROOTFS=
trap '[[ -z $ROOTFS ]] || rm -rf "$ROOTFS"' EXIT

cmd=${1:-start}
case $cmd in
  start)
    [[ $(id -u) == 0 ]] || die "run as root"
    install_packages
    write_conf
    start_service
    build_image
    ;;
  stop) stop_service ;;
  status)
    if socket_answers; then log "$SOCKET answers"; else log "$SOCKET does not answer"; exit 1; fi
    ;;
  -h | --help) usage 0 ;;
  *) usage ;;
esac
