#!/usr/bin/env bash
# The soak test (not in CI by default; docs/guarantees.md, docs/benchmarks.md):
#   bench/soak.sh --minutes M --releases N [--seed S]
# N releases rolling continuously with random outcomes while faults are injected into the operator's
# connections to kube-apiserver, Prometheus and MLflow (and the operator is killed now and then); then
# the invariant checker. Starts the cluster when it is not running; prints the SOAK line last and exits
# 1 on any violation.
set -euo pipefail
source "$(dirname "$0")/prelude.sh"
exec python3 -u "$root/bench/soak.py" "$@"
