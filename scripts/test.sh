#!/usr/bin/env bash
# Runs every test of the project: unit tests, in-process Raft clusters, the
# tests that start real store processes and drive them with etcdctl and etcd,
# and the tests that start a real master and drive its API with buf curl.
# Needs Java 17, Maven, Debian's etcd-client and etcd-server packages, and buf
# from npm (scripts/install-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java mvn etcdctl etcd buf; do
  if ! command -v "$tool" >/dev/null; then
    echo "test.sh: '$tool' is missing; run scripts/install-deps.sh first" >&2
    exit 1
  fi
done

exec mvn -B -ntp install "$@"
