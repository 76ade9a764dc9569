#!/usr/bin/env bash
# Runs every test of the project: unit tests, in-process Raft clusters, and the
# tests that start real store processes and drive them with etcdctl and etcd.
# Needs Java 17, Maven, and Debian's etcd-client and etcd-server packages
# (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn etcdctl etcd; do
  if ! command -v "$tool" >/dev/null; then
    echo "test.sh: '$tool' is missing; run scripts/install-deps.sh first" >&2
    exit 1
  fi
done

exec mvn -B -ntp install "$@"
