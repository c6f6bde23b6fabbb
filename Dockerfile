# The aviary operator image: `aviary operator` as the numeric user 65532, on nothing but the files the
# binary needs.
#   docker build -t REGISTRY/aviary:0.1.0 .        (or hack/build-image.sh: buildah, no daemon)
# The build stage compiles with the same Debian packages as hack/setup.sh and assembles the runtime's
# root filesystem in /rootfs: the binary, exactly the shared libraries `ldd` lists for it (libcurl and
# its TLS/HTTP2/IDN/Kerberos dependencies, yaml-cpp, Boost.Filesystem, libstdc++, glibc), their Debian
# copyright files, CA certificates (TLS to Prometheus, MLflow and webhooks), passwd/group entries for
# 65532 and an empty /tmp. The runtime stage is that directory alone (distroless-style: no shell, no
# package manager): 29.5 MB uncompressed (docs/install.md).

FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build ccache pkg-config ca-certificates \
      libcurl4-openssl-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev \
      libboost-dev libboost-system-dev \
      libgtest-dev libgmock-dev python3 \
 && rm -rf /var/lib/apt/lists/*
# GoogleTest and python3 only because configuring the tests needs them; no test is built here.
WORKDIR /src
COPY . .
# hack/build-image.sh bind-mounts the project's compiler cache at /ccache (buildah --volume), so an
# image rebuilt after a change recompiles only what changed; the paths (/src, /src/build) mirror a
# checkout's own build tree so the host's objects are hits too. Without /ccache (plain `docker build`)
# ccache stays off and nothing is cached in the layer. One RUN that drops the build tree at its end:
# the layer a rebuild leaves behind holds /rootfs, not ~1 GB of objects. A library's package is looked
# up under three names (as ldd prints it, resolved, and resolved in ldd's directory): with /lib merged
# into /usr, dpkg knows some files only under /lib and others only under /usr/lib.
RUN if [ -d /ccache ]; then export CCACHE_DIR=/ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1; \
    else export CCACHE_DISABLE=1; fi \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
 && cmake --build build --target aviary -j "$(nproc)" \
 && if [ -d /ccache ]; then ccache --show-stats | grep -iE 'hits|misses' || true; fi \
 && mkdir -p /rootfs/usr/local/bin /rootfs/etc/ssl/certs /rootfs/usr/share/doc \
 && install -d -m 1777 /rootfs/tmp \
 && strip --strip-debug -o /rootfs/usr/local/bin/aviary build/src/cli/aviary \
 && libs=$(ldd /rootfs/usr/local/bin/aviary | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') \
 && for lib in $libs; do cp --parents -L "$lib" /rootfs; done \
 && for pkg in $(for lib in $libs; do real=$(realpath "$lib"); echo "$lib $real $(dirname "$lib")/${real##*/}"; done \
        | xargs dpkg -S 2>/dev/null | cut -d: -f1 | sort -u); do \
      mkdir -p "/rootfs/usr/share/doc/$pkg" && cp "/usr/share/doc/$pkg/copyright" "/rootfs/usr/share/doc/$pkg/"; done \
 && cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\naviary:x:65532:65532:aviary:/nonexistent:/sbin/nologin\n' >/rootfs/etc/passwd \
 && printf 'root:x:0:\naviary:x:65532:\n' >/rootfs/etc/group \
 && printf 'hosts: files dns\n' >/rootfs/etc/nsswitch.conf \
 && chroot /rootfs /usr/local/bin/aviary version \
 && rm -rf build

FROM scratch
COPY --from=build /rootfs/ /
# Numeric, so that Kubernetes' runAsNonRoot can verify it (the chart's podSecurityContext uses 65532 too).
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aviary", "operator"]
# The health and metrics endpoints must listen beyond the container's loopback; Kubernetes args replace this.
CMD ["--health-addr", "0.0.0.0:8080"]
