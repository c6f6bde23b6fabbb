#!/usr/bin/env python3
"""Splits an operator log's `rollback reaction` lines (docs/logging.md) by kind of release.

    python3 bench/reactions.py <operator log>

For the replica-ratio releases (their Deployments are the split) and the routed ones: the reaction,
the part of it before the acting pass began (and of that, for the releases whose passes found the
cache behind the operator's own write, the wait for the watch to deliver it: `cacheBehindMs`), the part
in the pass, and of that the traffic writes themselves (lines from before `writesMs` was logged have no
such part); p50 / p90 / max in ms each.
bench/run.sh prints the operator log's path on its `bench: end:` line.
"""
import json
import sys


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def summary(values):
    return f"{quantile(values, 0.5)}/{quantile(values, 0.9)}/{max(values)}"


def main(path):
    try:
        with open(path) as log:
            reactions = [json.loads(line) for line in log if '"rollback reaction"' in line]
    except OSError as error:
        sys.exit(f"{path}: {error.strerror}")
    if not reactions:
        sys.exit(f"{path}: no 'rollback reaction' lines")
    for replica_ratio, kind in ((True, "replica ratio"), (False, "routed")):
        rows = [r for r in reactions if r["replicaRatio"] == replica_ratio]
        if not rows:
            continue
        total = [r["ms"] for r in rows]
        before = [r["beforePassMs"] for r in rows]
        in_pass = [r["ms"] - r["beforePassMs"] for r in rows]
        writes = [r["writesMs"] for r in rows if "writesMs" in r]
        behind = [r["cacheBehindMs"] for r in rows if "cacheBehindMs" in r]
        of_which = f", of which the traffic writes {summary(writes)} ms" if writes else ""
        waited = f" ({len(behind)} waited for the watch {summary(behind)} ms)" if behind else ""
        print(f"{kind}: {len(rows)} rollbacks, reaction {summary(total)} ms, "
              f"before the pass {summary(before)} ms{waited}, in the pass {summary(in_pass)} ms{of_which}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
