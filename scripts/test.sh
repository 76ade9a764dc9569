#!/usr/bin/env bash
# Runs every test of the project: unit tests, in-process Raft clusters, and the
# tests that start real store processes and drive them with etcdctl and etcd,
# and the tests that start a real master and drive its API with buf curl.
# Needs Java 17, Maven, Debian's etcd-client and etcd-server packages, buf
# from npm, and Podman's API service on SKIFF_PODMAN_SOCKET (default /run/skiff/podman.sock)
# for the node agent's tests (scripts/install-deps.sh installs and starts them).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn etcdctl etcd curl buf; do
  if ! command -v "$tool" >/dev/null; then
    echo "test.sh: '$tool' is missing; run scripts/install-deps.sh first" >&2
    exit 1
  fi
done

socket=${SKIFF_PODMAN_SOCKET:-/run/skiff/podman.sock}
if [[ $(curl -s -m 5 --unix-socket "$socket" http://d/v4.0.0/libpod/_ping 2>/dev/null) != OK ]]; then
  echo "test.sh: Podman's API does not answer on $socket; run scripts/podman-setup.sh first" >&2
  exit 1
fi

exec mvn -B -ntp install "$@"
