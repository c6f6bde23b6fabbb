#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/) with clang, ASan and UBSan in build-fuzz/ and runs each for
# a bounded time: `ctest -L fuzz`. Needs clang and libclang-rt-14-dev (hack/setup.sh installs them).
#   hack/fuzz.sh [--seconds 20] [NAME...]     NAME: api http_request prometheus_response webhook_response mlflow_response mlflow_run_response
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds=20
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n 2,4p "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(api http_request prometheus_response webhook_response mlflow_response mlflow_run_response)
command -v clang++ >/dev/null || die "clang++ not found: apt-get install clang libclang-rt-14-dev"

build=${AVIARY_FUZZ_BUILD_DIR:-$AVIARY_ROOT/build-fuzz}
cmake -S "$AVIARY_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DAVIARY_FUZZ=ON -DAVIARY_FUZZ_SECONDS="$seconds" \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" -j"${AVIARY_JOBS:-2}" --target "${names[@]/%/_fuzzer}"
regex=$(IFS='|'; echo "^fuzz_(${names[*]})\$")
log "fuzzing ${names[*]} for ${seconds}s each"
(cd "$build" && ctest -L fuzz -R "$regex" --output-on-failure)
