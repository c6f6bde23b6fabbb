#!/usr/bin/env bash
# Restarts only the kube-apiserver of the hack/cluster.sh cluster, with the same command line, so a
# test can check that watches survive a server restart. etcd and the other components keep running
# (`hack/cluster.sh up` on a half-started cluster would restart all of them, disturbing other test
# runs far more). Uses the cluster scripts' own helpers and lock, so their pid files stay valid.
set -euo pipefail
# A short grace period: the test is about surviving an abrupt restart, not a polite one.
export AVIARY_STOP_TIMEOUT=${AVIARY_STOP_TIMEOUT:-2}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
source "$ROOT/hack/lib.sh"
source "$ROOT/hack/cluster/lib-cluster.sh"

mkdir -p "$CLUSTER_DIR"
exec 9>"$CLUSTER_DIR/.lock"
flock -w 300 9 || die "cluster lock busy"

pid=$(component_pid apiserver) || die "the apiserver is not running: hack/cluster.sh up"
mapfile -d '' cmd <"/proc/$pid/cmdline"
stop_component apiserver
start_component apiserver "${cmd[@]}"
wait_until apiserver "${AVIARY_START_TIMEOUT:-60}" "/readyz" \
  "$KUBE_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz
