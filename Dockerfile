# The aviary operator image: `aviary operator` as a non-root user on Debian bookworm.
#   docker build -t REGISTRY/aviary:0.1.0 .
# The build stage compiles with the same Debian packages as hack/setup.sh. The runtime stage has only
# the libraries the binary needs (its NEEDED entries: libcurl, yaml-cpp, Boost.Filesystem; OpenSSL for
# libcurl's TLS) and CA certificates for TLS to the API server, Prometheus and MLflow.
# Not built in the project's own environment (no container engine there): see docs/install.md.

FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libcurl4-openssl-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev \
      libboost-dev libboost-system-dev libboost-filesystem-dev \
      libgtest-dev libgmock-dev python3 \
 && rm -rf /var/lib/apt/lists/*
# GoogleTest and python3 only because configuring the tests needs them; no test is built here.
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build /build --target aviary -j "$(nproc)" \
 && strip --strip-debug -o /aviary /build/src/cli/aviary

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates libcurl4 libssl3 libyaml-cpp0.7 \
      libboost-filesystem1.74.0 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 aviary \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin aviary
COPY --from=build /aviary /usr/local/bin/aviary
# Numeric, so that Kubernetes' runAsNonRoot can verify it (the chart's podSecurityContext uses 65532 too).
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/aviary", "operator"]
# The health and metrics endpoints must listen beyond the container's loopback; Kubernetes args replace this.
CMD ["--health-addr", "0.0.0.0:8080"]
