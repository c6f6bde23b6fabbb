#!/usr/bin/env bash
# ctest soak_smoke: a 5-minute bench/soak.sh (20 releases, every fault kind, control-plane faults
# included) so hack/test.sh runs the soak on every full run. Fails when the soak exits non-zero or its
# SOAK line is missing or shows a violation, a lost or a duplicate record. The seed is random (printed
# first: `bench/soak.sh --seed S` repeats the draws). AVIARY_SOAK_MINUTES / AVIARY_SOAK_RELEASES resize it.
set -uo pipefail
[ -n "${KUBECONFIG:-}" ] || { echo "KUBECONFIG unset: run under hack/test.sh (hack/cluster.sh env)"; exit 77; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$root/bench/soak.sh" --minutes "${AVIARY_SOAK_MINUTES:-5}" --releases "${AVIARY_SOAK_RELEASES:-20}" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
python3 - "$out" "$status" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
soak = [l for l in lines if l.startswith("SOAK releases=")]
if not soak:
    sys.exit("FAIL: no SOAK line")
m = re.fullmatch(r"SOAK releases=(\d+) rollouts=(\d+) faults=(\d+) violations=(\d+) lost_records=(\d+) "
                 r"duplicate_records=(\d+)", soak[-1])
if not m:
    sys.exit(f"FAIL: the SOAK line lacks a field: {soak[-1]!r}")
releases, rollouts, faults, violations, lost, duplicate = map(int, m.groups())
problems = [f"{n}={v}" for n, v in (("violations", violations), ("lost_records", lost),
                                      ("duplicate_records", duplicate)) if v]
if rollouts == 0 or faults == 0:
    problems.append(f"nothing exercised (rollouts={rollouts} faults={faults})")
if sys.argv[2] != "0":
    problems.append(f"bench/soak.sh exited {sys.argv[2]}")
if problems:
    sys.exit(f"FAIL: {', '.join(problems)} in {soak[-1]!r}")
print("soak smoke:", soak[-1])
PY
