#!/usr/bin/env bash
# The judges' decision-quality benchmark: Monte Carlo on aviary's own C++ judges (judges_bench), then
# the SciPy reference for the fixed-horizon tests (scipy_reference.py). Its last line is the JUDGES line.
#   bench/judges/run.sh [--trials N] [--seed S]      (default 10,000 trials; about a minute on 2 cores)
set -euo pipefail
source "$(dirname "$0")/../../hack/lib.sh"
cd "$AVIARY_ROOT"
build_dir=${AVIARY_BUILD_DIR:-$AVIARY_ROOT/build}
[ -f "$build_dir/CMakeCache.txt" ] || cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target judges_bench >/dev/null

venv=$AVIARY_CACHE/stats-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import scipy, numpy' 2>/dev/null; then
  log "installing SciPy for the reference in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q scipy numpy
fi

log "SciPy reference (fixed-horizon tests)"
"$venv/bin/python" "$AVIARY_ROOT/bench/judges/scipy_reference.py"
log "aviary's judges"
"$build_dir/bench/judges/judges_bench" "$@"
