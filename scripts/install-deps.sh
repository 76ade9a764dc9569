#!/usr/bin/env bash
# Installs what Skiff needs on a fresh Debian 12 machine, as root: a JDK 17,
# Maven, etcd's client and server (etcdctl drives the store in tests; etcd
# is the baseline the benchmark compares against), and `buf` (buf curl is the
# reflection-based gRPC client the control plane's process tests run against
# the API), from npm with Debian's Node.js; then sets up Podman for the node
# agent with scripts/podman-setup.sh (packages, containers.conf, the API
# service on /run/skiff/podman.sock, localhost/busybox:latest). Safe to run again.
set -euo pipefail

need=()
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v etcdctl >/dev/null || need+=(etcd-client)
command -v etcd >/dev/null || need+=(etcd-server)
command -v curl >/dev/null || need+=(curl)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v ip >/dev/null && command -v nft >/dev/null || need+=(iproute2 nftables)  # the network-partition test

if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian starts an etcd service on the default ports where an init system runs; Skiff's store wants them
  if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
    systemctl stop etcd
    systemctl disable etcd >/dev/null 2>&1 || true
  fi
fi

# buf from npm: the package's launcher runs the platform binary that npm fetched as an optional dependency
BUF_VERSION=1.75.0
if [ "$(buf --version 2>/dev/null || true)" != "$BUF_VERSION" ]; then
  npm install -g --no-audit --no-fund --loglevel=error "@bufbuild/buf@$BUF_VERSION" >/dev/null
  if [ "$(buf --version 2>/dev/null || true)" != "$BUF_VERSION" ]; then
    echo "install-deps.sh: buf $BUF_VERSION is not on PATH after npm install -g (npm prefix: $(npm prefix -g))" >&2
    exit 1
  fi
fi

# Podman, its API service and the local image the node agent's tests use
bash "$(dirname "$0")/podman-setup.sh"
