#!/usr/bin/env bash
# ctest bench_smoke: a tiny bench/run.sh keeps the script working. Checks that the RESULT line is
# there and sane and that every rollback the run triggered was timed; not the numbers themselves.
# Two namespaces (3 releases and 2), so the path a large run takes (the operator watching every
# namespace, as at N = 10,000) runs here too.
set -uo pipefail
[ -n "${KUBECONFIG:-}" ] || { echo "KUBECONFIG unset: run under hack/test.sh (hack/cluster.sh env)"; exit 77; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$root/bench/run.sh" --releases 5 --releases-per-namespace 3 --idle-seconds 5 --rollbacks 2 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
[ "$status" = 0 ] || { echo "FAIL: bench/run.sh exited $status"; exit 1; }
python3 - "$out" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
result = lines[-1] if lines else ""
number = r"(\d+(?:\.\d+)?)"
fields = ["rss_base_mib", "per_release_kib", "reconcile_p50_ms", "reconcile_p99_ms", "rollback_p99_ms",
          "writes_per_step"]
pattern = r"RESULT releases=5 " + " ".join(rf"{f}=(-?\d+(?:\.\d+)?)" for f in fields) + r" idle_writes=(\d+)$"
m = re.fullmatch(pattern, result)
if not m:
    sys.exit(f"FAIL: the last line is not a RESULT line with every field: {result!r}")
values = dict(zip(fields + ["idle_writes"], map(float, m.groups())))
problems = [f for f in ("rss_base_mib", "reconcile_p50_ms", "reconcile_p99_ms", "rollback_p99_ms", "writes_per_step")
            if not values[f] > 0]
if values["reconcile_p99_ms"] < values["reconcile_p50_ms"]:
    problems.append("reconcile_p99_ms < reconcile_p50_ms")
reactions = [re.search(r"rollback reactions observed=(\d+) triggered=(\d+)", l) for l in lines]
reactions = [r for r in reactions if r]
if not reactions or reactions[-1].group(1) != reactions[-1].group(2) or reactions[-1].group(1) == "0":
    problems.append("not every triggered rollback was timed: " + (reactions[-1].group(0) if reactions else "no line"))
if problems:
    sys.exit(f"FAIL: {'; '.join(problems)} in {result!r}")
print("bench smoke: RESULT line present and sane")
PY
