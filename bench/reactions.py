#!/usr/bin/env python3
"""Splits an operator log's `rollback reaction` lines (docs/logging.md) by kind of release.

    python3 bench/reactions.py <operator log>

For the replica-ratio releases (their Deployments are the split) and the routed ones: the reaction,
the part of it before the acting pass began, and the part in the pass; p50 / p90 / max in ms each.
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
        print(f"{kind}: {len(rows)} rollbacks, reaction {summary(total)} ms, "
              f"before the pass {summary(before)} ms, in the pass {summary(in_pass)} ms")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
