#!/usr/bin/env bash
# Builds the local control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, kwok) from Go modules at the versions pinned in tools/kube/versions.env, into
# $AVIARY_CACHE/k8s-<version>/bin. A binary already there is not rebuilt.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || die "go is not installed; the control plane is built from Go modules"
mkdir -p "$KUBE_BIN"
start=$(date +%s)

minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
pkg_ldflags() {
  local p=$1
  echo "-X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
}
ldflags="-s -w $(pkg_ldflags k8s.io/component-base/version) $(pkg_ldflags k8s.io/client-go/pkg/version)"

missing=()
for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  [ -x "$KUBE_BIN/$c" ] || missing+=("k8s.io/kubernetes/cmd/$c")
done
cd "$AVIARY_ROOT/tools/kube"
export CGO_ENABLED=0
if [ ${#missing[@]} -gt 0 ]; then
  log "building ${missing[*]} at $KUBE_VERSION (cold: tens of minutes on 2 cores)"
  go build -trimpath -ldflags "$ldflags" -o "$KUBE_BIN/" "${missing[@]}" \
    || die "building Kubernetes $KUBE_VERSION failed (see the go output above)"
fi
if [ ! -x "$KUBE_BIN/etcd" ]; then
  log "building etcd from go.etcd.io/etcd/server/v3"
  go build -trimpath -ldflags "-s -w" -o "$KUBE_BIN/etcd" go.etcd.io/etcd/server/v3 || die "building etcd failed"
fi
if [ ! -x "$KUBE_BIN/kwok" ]; then
  log "building kwok $KWOK_VERSION"
  GOBIN="$KUBE_BIN" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" \
    || die "building kwok failed"
fi
log "control plane binaries ready in $KUBE_BIN ($(( $(date +%s) - start ))s)"
