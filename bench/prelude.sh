# Sourced by bench/run.sh and bench/soak.sh: the local cluster of hack/cluster.sh running (started when
# a component is stopped; never stopped here), its environment exported, and `aviary` built in
# $AVIARY_BUILD_DIR (default build/) only when the binary is missing. Sets root and build_dir.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${AVIARY_BUILD_DIR:-$root/build}
export AVIARY_BUILD_DIR=$build_dir

# Captured first: with pipefail, `status | grep -q` fails when grep exits at the first match and
# status dies of SIGPIPE, and the cluster was then never started.
cluster_status=$("$root/hack/cluster.sh" status)
if grep -q ' stopped ' <<<"$cluster_status"; then
  "$root/hack/cluster.sh" up
fi
eval "$("$root/hack/cluster.sh" env)"

if [ ! -x "$build_dir/src/cli/aviary" ]; then
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$build_dir" --target aviary -j "$(nproc)"
fi
export PATH=$build_dir/src/cli:$PATH
