# Shared by the hack/ scripts: where the cache lives and how to report progress. Source, don't run.
AVIARY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AVIARY_CACHE=${AVIARY_CACHE:-$HOME/.cache/aviary}
source "$AVIARY_ROOT/tools/kube/versions.env"
KUBE_BIN=$AVIARY_CACHE/k8s-$KUBE_VERSION/bin
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$AVIARY_CACHE/go/mod}
export GOCACHE=${GOCACHE_OVERRIDE:-$AVIARY_CACHE/go/build}
export GOFLAGS=-buildvcs=false
export CCACHE_DIR=${CCACHE_DIR:-$AVIARY_CACHE/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$AVIARY_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}  # build trees of one checkout share objects despite -g

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
