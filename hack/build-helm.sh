#!/usr/bin/env bash
# Builds helm from Go modules at the version tools/helm/go.mod requires, into
# $AVIARY_CACHE/helm-<version>/bin (the chart tests look there). A binary already there is not rebuilt.
# `hack/build-helm.sh --print-bin` prints where the binary is (built or not) and exits.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

helm_module=$AVIARY_ROOT/tools/helm
helm_version=$(awk '$1 == "require" && $2 == "helm.sh/helm/v3" { print $3 }' "$helm_module/go.mod")
[ -n "$helm_version" ] || die "no 'require helm.sh/helm/v3 VERSION' line in $helm_module/go.mod"
helm_bin=$AVIARY_CACHE/helm-$helm_version/bin/helm

if [ "${1:-}" = --print-bin ]; then echo "$helm_bin"; exit 0; fi
if [ -x "$helm_bin" ]; then exit 0; fi
command -v go >/dev/null || die "go is not installed; helm is built from Go modules"

start=$(date +%s)
log "building helm $helm_version (cold: a few minutes on 2 cores)"
mkdir -p "$(dirname "$helm_bin")"
cd "$helm_module"
# As helm's Makefile does: the Kubernetes version `helm template` and `helm lint` assume is the one of
# the client-go it is built with (v0.37.x -> 1.37), not helm's fallback, 1.20.
kube_minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kube_minor"
done
CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$helm_bin.partial" helm.sh/helm/v3/cmd/helm \
  || die "building helm $helm_version failed (see the go output above)"
mv "$helm_bin.partial" "$helm_bin"  # only a complete binary counts as built
log "helm ready: $helm_bin ($(( $(date +%s) - start ))s)"
