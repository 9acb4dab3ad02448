#!/usr/bin/env bash
# Set up Docker for ToolGym's sandbox tests on a CI machine (as root), idempotently:
#   1. install the Docker engine and debootstrap with apt, unless both are there (and Debian's
#      chromium, for the trajectory-viewer browser tests, unless it is there);
#   2. start dockerd in the background (no bridge: containers use --network none) unless an
#      engine answers already, and wait until `docker info` answers;
#   3. make the offline base image (debootstrap bookworm + python3, numpy, sympy; docker import)
#      unless it exists: no registry is needed;
#   4. build the sandbox images of sandboxes/ on it; an image whose content-hash label matches
#      the sources is kept, not rebuilt.
# Docker's storage (/var/lib/docker) persists between runs on the same machine, which caches steps
# 3 and 4 there; a clean machine runs every step (a few minutes). Run it after `pip install -e
# ".[dev]"` (step 4 uses the toolgym package and the docker SDK).
#
# Environment: TOOLGYM_BASE_IMAGE (default toolgym-base:bookworm), TOOLGYM_CI_LOGDIR (default
# /tmp/toolgym-ci), DEBIAN_MIRROR (default: debootstrap's own), PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=${TOOLGYM_BASE_IMAGE:-toolgym-base:bookworm}
LOGDIR=${TOOLGYM_CI_LOGDIR:-/tmp/toolgym-ci}
MIRROR=${DEBIAN_MIRROR:-}
PYTHON=${PYTHON:-python3}
mkdir -p "$LOGDIR"
log() { echo "ci_setup: $*"; }

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing docker.io and debootstrap (log: $LOGDIR/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >"$LOGDIR/apt.log" 2>&1
  apt-get install -y docker.io debootstrap >>"$LOGDIR/apt.log" 2>&1 || { tail -n 30 "$LOGDIR/apt.log"; exit 1; }
fi

# Debian's chromium: the headless browser of the `toolgym view` report tests (tests/viewer/).
if ! command -v chromium >/dev/null; then
  log "installing chromium (log: $LOGDIR/apt.log)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >>"$LOGDIR/apt.log" 2>&1
  apt-get install -y chromium >>"$LOGDIR/apt.log" 2>&1 || { tail -n 30 "$LOGDIR/apt.log"; exit 1; }
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: $LOGDIR/dockerd.log)"
  setsid nohup dockerd --storage-driver=overlay2 --iptables=false --bridge=none \
    >"$LOGDIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 90); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    log "dockerd did not answer within 90 s"
    tail -n 40 "$LOGDIR/dockerd.log"
    exit 1
  fi
fi

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "base image $BASE_IMAGE exists"
else
  log "making $BASE_IMAGE with debootstrap (log: $LOGDIR/debootstrap.log)"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  if ! debootstrap --variant=minbase --include=python3-minimal,python3-numpy,python3-sympy \
      bookworm "$rootfs" ${MIRROR:+"$MIRROR"} >"$LOGDIR/debootstrap.log" 2>&1; then
    tail -n 30 "$LOGDIR/debootstrap.log"
    exit 1
  fi
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

log "building the sandbox images on $BASE_IMAGE (log: $LOGDIR/build.log)"
if ! "$PYTHON" -m toolgym.sandbox.cli build --base "$BASE_IMAGE" >"$LOGDIR/build.log" 2>&1; then
  tail -n 40 "$LOGDIR/build.log"
  exit 1
fi
grep -E '^toolgym/[a-z]+:latest: ' "$LOGDIR/build.log"
