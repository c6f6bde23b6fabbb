#!/usr/bin/env bash
# `aviary lint` end to end: the examples pass, the invalid files fail with FILE:LINE:COL: path: message,
# and the exit codes follow the contract (0 valid, 1 invalid or unreadable, 2 usage).
# Usage: lint_cli_test.sh AVIARY_BINARY SOURCE_DIR
set -uo pipefail
aviary=$1
source_dir=$2
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run EXPECTED_EXIT ARGS...: runs aviary, keeps its output in $output.
run() {
  local expected=$1
  shift
  output=$("$aviary" "$@" 2>&1)
  local status=$?
  [ "$status" = "$expected" ] || fail "aviary $* exited $status, want $expected; output:"$'\n'"$output"
}

expect_line() {
  grep -qxF -- "$1" <<<"$output" || fail "missing line: $1"$'\n'"in output:"$'\n'"$output"
}

cd "$source_dir" || exit 1

run 0 lint examples/*.yaml
for f in examples/*.yaml; do
  grep -q "^$f: ok (" <<<"$output" || fail "$f not reported ok"
done
expect_line "examples/canary-istio.yaml: ok (2 documents)"

data=tests/unit/api/testdata
run 1 lint "$data/invalid-canary.yaml"
expect_line "$data/invalid-canary.yaml:15:7: spec.strategy.canary.stepz: unknown field"
expect_line "$data/invalid-canary.yaml:18:42: spec.strategy.canary.steps[1].analysis.gates[1]: no gate named \"latencyy\" in spec.analysis.gates"
expect_line "$data/invalid-canary.yaml:19:11: spec.strategy.canary.steps[2].setWeight: must be between 0 and 100, got 150"
[ "$(wc -l <<<"$output")" = 3 ] || fail "want exactly 3 findings (version: 7 is accepted), got:"$'\n'"$output"

# Advice is printed as a warning and keeps the file valid (exit 0).
run 0 lint "$data/advice-ratio.yaml"
expect_line "$data/advice-ratio.yaml:21:11: warning: spec.analysis.gates[0].prometheus.query: a ratio whose numerator has no series while nothing happened (no errors yet) answers no data, not 0: add \`or vector(0)\` to the numerator, or use totalQuery"
expect_line "$data/advice-ratio.yaml: ok (1 document)"
[ "$(wc -l <<<"$output")" = 2 ] || fail "want one warning (the guarded ratio is fine), got:"$'\n'"$output"

run 1 lint "$data/invalid-malformed.yaml"
expect_line "$data/invalid-malformed.yaml:5:9: end of sequence flow not found"

run 1 lint "$data/invalid-kinds.yaml"
expect_line "$data/invalid-kinds.yaml:2:1: kind: unsupported kind \"Deployment\" (aviary lint checks ModelRelease and ReleaseApproval)"
expect_line "$data/invalid-kinds.yaml:10:3: spec.decision: must be one of approve, reject; got string \"maybe\""

# One bad file among good ones still fails, and the good ones are still reported.
run 1 lint examples/blue-green.yaml "$data/invalid-canary.yaml"
expect_line "examples/blue-green.yaml: ok (1 document)"

run 1 lint does-not-exist.yaml
expect_line "does-not-exist.yaml: cannot read file"

output=$("$aviary" lint - <examples/blue-green.yaml 2>&1) || fail "lint - (stdin) failed: $output"
expect_line "-: ok (1 document)"

run 2 lint
run 2 lint --strict examples/blue-green.yaml
run 2 no-such-command
run 0 help
expect_line "  lint FILE...            check ModelRelease / ReleaseApproval manifests offline"
run 0 version
grep -q "^aviary [0-9]" <<<"$output" || fail "version output: $output"

[ "$failures" = 0 ] && echo "lint_cli_test: all passed"
exit $((failures > 0))
