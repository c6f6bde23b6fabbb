#!/usr/bin/env bash
# Builds the operator image from the Dockerfile with buildah (no daemon, no registry): `--isolation
# chroot` as root. The Dockerfile's Debian base images are made from Debian's packages with mmdebstrap
# when they are not in buildah's store (root filesystems cached under $AVIARY_CACHE/image-base, one per
# suite), tagged with the names the FROM lines use so that the same Dockerfile works with `docker build`.
#
#   hack/build-image.sh [--tag NAME[:TAG]]   build (or find) the image; also tag it NAME[:TAG]
#
# The image is keyed by the hash of its inputs (the Dockerfile and the build context it sees, after
# .dockerignore): localhost/aviary:inputs-HASH. When that exists nothing is built (seconds). The build
# stage's compiler cache is the project's own ($CCACHE_DIR, mounted at /ccache), so a rebuild after a
# change compiles what changed. Progress goes to stderr; stdout gets one line:
#   image=localhost/aviary:inputs-HASH size_bytes=N size_mb=N.N digest=sha256:... build_seconds=N
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$AVIARY_ROOT"

REPOSITORY=localhost/aviary
extra_tag=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) extra_tag=${2:?--tag needs a NAME[:TAG]}; shift 2 ;;
    --tag=*) extra_tag=${1#--tag=}; shift ;;
    *) echo "usage: $0 [--tag NAME[:TAG]]" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || die "buildah's chroot isolation needs root"
for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null || die "$tool is not installed: run hack/setup.sh"
done

# ---------------------------------------------------------------------------------------------
# The inputs' hash: the Dockerfile plus every file of the context buildah would send (git's view of
# the checkout, tracked and untracked-but-not-ignored, minus .dockerignore's patterns).

dockerignore_patterns=()
while IFS= read -r line; do
  line=${line%%#*}; line=${line%"${line##*[![:space:]]}"}
  [ -n "$line" ] && dockerignore_patterns+=("${line#\*\*/}")
done <.dockerignore

ignored() {
  local path=$1 p
  for p in "${dockerignore_patterns[@]}"; do
    # shellcheck disable=SC2053  # the patterns are globs
    [[ $path == $p || $path == $p/* || $path == */$p || $path == */$p/* ]] && return 0
  done
  return 1
}

context_files() {
  local f
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard
  else
    find . -type f -printf '%P\n'
  fi | LC_ALL=C sort | while IFS= read -r f; do
    if [ -f "$f" ] && ! ignored "$f"; then printf '%s\n' "$f"; fi
  done
}

inputs_hash() {
  { sha256sum Dockerfile .dockerignore; context_files | tr '\n' '\0' | xargs -0 sha256sum; } \
    | sha256sum | cut -c1-16
}

# ---------------------------------------------------------------------------------------------
# Base images from Debian packages.

image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# The rootfs tar of a Debian suite (minbase, as Debian's own container images), made once.
base_rootfs() {
  local suite=$1 dir=$AVIARY_CACHE/image-base tar
  tar=$dir/$suite.tar
  if [ ! -s "$tar" ]; then
    mkdir -p "$dir"
    log "making a Debian $suite root filesystem with mmdebstrap (about a minute)"
    rm -rf "$dir/$suite.partial.tar"
    mmdebstrap --quiet --variant=minbase "$suite" "$dir/$suite.partial.tar" \
      "deb http://deb.debian.org/debian $suite main" \
      "deb http://deb.debian.org/debian $suite-updates main" \
      "deb http://deb.debian.org/debian-security $suite-security main" >&2 \
      || die "mmdebstrap $suite failed"
    mv "$dir/$suite.partial.tar" "$tar"  # only a complete tar counts
  fi
  echo "$tar"
}

# ensure_base NAME: a FROM image debian:SUITE, under the name a short-name lookup finds first
# (docker.io/library/...), so the build never asks a registry.
ensure_base() {
  local name=$1 full suite ctr
  [[ $name == */* ]] && full=$name || full=docker.io/library/$name
  image_exists "$full" && return 0
  [[ $name =~ ^debian:([a-z]+)$ ]] \
    || die "base image $name is not in buildah's store and is not a debian:SUITE this script can make"
  suite=${BASH_REMATCH[1]}
  ctr=$(buildah from scratch)
  buildah add --quiet "$ctr" "$(base_rootfs "$suite")" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$ctr"
  buildah commit --quiet --rm "$ctr" "$full" >/dev/null
  log "base image $full made from Debian $suite packages"
}

# The FROM images that are neither scratch nor an earlier stage.
base_images() {
  awk 'toupper($1) != "FROM" { next }
       { for (i = 2; i <= NF; i++) if ($i !~ /^--/) break
         if ($i != "scratch" && !($i in stages)) print $i
         if (toupper($(NF - 1)) == "AS") stages[$NF] = 1 }' Dockerfile | sort -u
}

# ---------------------------------------------------------------------------------------------

mkdir -p "$AVIARY_CACHE"
exec 9>"$AVIARY_CACHE/image-build.lock"
flock -w 1800 9 || die "another hack/build-image.sh still holds $AVIARY_CACHE/image-build.lock"

hash=$(inputs_hash)
image=$REPOSITORY:inputs-$hash
start=$SECONDS
if image_exists "$image"; then
  log "image $image is up to date (its inputs are unchanged)"
else
  while read -r base; do ensure_base "$base"; done < <(base_images)
  mkdir -p "$CCACHE_DIR"
  log "building $image with buildah (chroot isolation; the build stage compiles aviary on $(nproc) cores)"
  # --layers keeps the package-install layer across source changes; --pull=never: bases are local only.
  buildah bud --isolation chroot --layers --pull=never --ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" \
    --volume "$CCACHE_DIR:/ccache" --tag "$image" --file Dockerfile . >&2 \
    || die "buildah bud failed (output above)"
  log "built $image in $((SECONDS - start))s"
  # Only the newest inputs-* tag is kept. The untagged build-stage layers stay for --layers to reuse
  # (the package layer above all); `buildah rmi --prune` drops them.
  for old in $(buildah images --format '{{.Name}}:{{.Tag}}' --filter "reference=$REPOSITORY" 2>/dev/null); do
    if [[ $old == *:inputs-* && $old != "$image" ]]; then buildah rmi "$old" >/dev/null 2>&1 || true; fi
  done
fi
if [ -n "$extra_tag" ]; then buildah tag "$image" "$extra_tag"; fi

# The size uncompressed: the layers' tar sizes as stored locally (buildah keeps them uncompressed).
size=$(buildah inspect --type image --format '{{.Manifest}}' "$image" \
  | python3 -c 'import json, sys; print(sum(layer["size"] for layer in json.load(sys.stdin)["layers"]))')
digest=$(buildah inspect --type image --format '{{.FromImageDigest}}' "$image")
printf 'image=%s size_bytes=%s size_mb=%s digest=%s build_seconds=%s\n' "$image" "$size" \
  "$(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1e6 }')" "$digest" "$((SECONDS - start))"
