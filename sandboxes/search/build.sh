#!/bin/sh
# Build this folder's sandbox image; arguments go to `toolgym sandbox build` (e.g. --base IMAGE).
set -e
exec python3 -m toolgym.sandbox.cli build "$(basename "$(cd "$(dirname "$0")" && pwd)")" "$@"
