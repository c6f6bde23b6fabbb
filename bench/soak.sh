#!/usr/bin/env bash
# The soak test (not in CI by default; docs/guarantees.md, docs/benchmarks.md):
#   bench/soak.sh --minutes M --releases N [--seed S]
# N releases rolling continuously with random outcomes while faults are injected into the operator's
# connections to kube-apiserver, Prometheus and MLflow (and the operator is killed now and then); then
# the invariant checker. Starts the cluster when it is not running; prints the SOAK line last and exits
# 1 on any violation.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${AVIARY_BUILD_DIR:-$root/build}
export AVIARY_BUILD_DIR=$build_dir
cluster_status=$("$root/hack/cluster.sh" status)
if grep -q ' stopped ' <<<"$cluster_status"; then
  "$root/hack/cluster.sh" up
fi
eval "$("$root/hack/cluster.sh" env)"
[ -x "$build_dir/src/cli/aviary" ] || cmake --build "$build_dir" --target aviary
export PATH=$build_dir/src/cli:$PATH
exec python3 -u "$root/bench/soak.py" "$@"
