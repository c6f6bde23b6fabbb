#!/usr/bin/env bash
# Usage: promtool_check.sh <sample-binary>. Parses and lints the sample's exposition with Prometheus's
# own promtool. Exits 77 (ctest: skipped) when promtool is not installed (hack/setup.sh installs it).
set -euo pipefail
command -v promtool >/dev/null || { echo "promtool not found; run hack/setup.sh" >&2; exit 77; }
sample=$("$1")
[ -n "$sample" ] || { echo "the sample rendered nothing" >&2; exit 1; }
printf '%s\n' "$sample" | promtool check metrics
