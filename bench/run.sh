#!/usr/bin/env bash
# Benchmarks of the operator on the local cluster (docs/benchmarks.md):
#   bench/run.sh --releases N [--idle-seconds 60] [--rollbacks 100] [--keep] [--dashboard] [--pause-simulator] [--replicas 1] [--operator-arg=FLAG]...
# Starts the cluster when a component is not running (never stops it), builds `aviary` in $AVIARY_BUILD_DIR
# (default build/) only when the binary is missing, runs its own operator for a namespace of its own,
# and prints the RESULT line last.
set -euo pipefail
source "$(dirname "$0")/prelude.sh"
exec python3 -u "$root/bench/bench.py" "$@"
