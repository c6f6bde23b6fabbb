#!/usr/bin/env bash
# The one command that runs every test (README): installs what is missing, builds, starts the local
# cluster (control plane + Prometheus + MLflow + simulator), runs ctest for every label, tears down.
#   AVIARY_TEST_LABELS  ctest label regex (default: all labels: unit|integration|e2e)
#   AVIARY_BUILD_DIR    build tree (default: build/)
#   AVIARY_KEEP_CLUSTER=1 leaves the cluster running afterwards
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$AVIARY_ROOT"

"$AVIARY_ROOT/hack/setup.sh"

build_dir=${AVIARY_BUILD_DIR:-$AVIARY_ROOT/build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building"
cmake --build "$build_dir" -j "$(nproc)"

labels=${AVIARY_TEST_LABELS:-unit|integration|e2e}
if [[ "$labels" =~ integration|e2e ]] && [ -x hack/cluster.sh ]; then
  if [ "${AVIARY_KEEP_CLUSTER:-0}" != 1 ]; then trap '"$AVIARY_ROOT/hack/cluster.sh" down || true' EXIT; fi
  hack/cluster.sh up
  eval "$(hack/cluster.sh env)"
fi
export PATH="$build_dir/src/cli:$PATH"
log "running tests (labels: $labels)"
cd "$build_dir"
ctest -L "$labels" --output-on-failure --timeout 900 -j 1
