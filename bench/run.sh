#!/usr/bin/env bash
# Benchmarks of the operator on the local cluster (docs/benchmarks.md):
#   bench/run.sh --releases N [--idle-seconds 60] [--rollbacks 100] [--keep] [--dashboard] [--operator-arg=FLAG]...
# Starts the cluster when a component is not running (never stops it), builds `aviary` in $AVIARY_BUILD_DIR
# (default build/) only when the binary is missing, runs its own operator for a namespace of its own,
# and prints the RESULT line last.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${AVIARY_BUILD_DIR:-$root/build}
export AVIARY_BUILD_DIR=$build_dir

# Captured first: with pipefail, `status | grep -q` fails when grep exits at the first match and
# status dies of SIGPIPE, and the cluster was then never started.
cluster_status=$("$root/hack/cluster.sh" status)
if grep -q ' stopped ' <<<"$cluster_status"; then
  "$root/hack/cluster.sh" up
fi
eval "$("$root/hack/cluster.sh" env)"

if [ ! -x "$build_dir/src/cli/aviary" ]; then
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build_dir" --target aviary -j "$(nproc)"
fi

exec python3 -u "$root/bench/bench.py" "$@"
