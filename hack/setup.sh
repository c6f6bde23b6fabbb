#!/usr/bin/env bash
# Installs everything aviary needs on a fresh Debian machine, idempotently:
#   1. system packages (compiler toolchain, C++ libraries, Prometheus, openssl, and buildah + mmdebstrap
#      for hack/build-image.sh, which the installed-operator test runs; chromium + chromium-driver for the
#      dashboard's browser tests, driven by Selenium from PyPI: nothing downloads a browser; nodejs for
#      the dashboard's JavaScript unit tests);
#   2. the local control plane built from Go modules (hack/build-kube.sh, cached by version);
#   3. MLflow in a venv under the cache (hack/setup-mlflow.sh).
# Flags: --packages-only skips 2 and 3.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates openssl
  libcurl4-openssl-dev libssl-dev libyaml-cpp-dev libcpprest-dev nlohmann-json3-dev
  libboost-dev libboost-system-dev
  libgtest-dev libgmock-dev
  prometheus
  buildah mmdebstrap
  chromium chromium-driver
  clang libclang-rt-14-dev  # hack/fuzz.sh: libFuzzer with ASan/UBSan
  nodejs  # the dashboard's JavaScript unit tests (node --test, no npm packages)
)

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages ($missing) and not root: run hack/setup.sh as root"
  log "installing system packages: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  # Debian's prometheus package starts a system service on port 9090; the project runs its own. Only
  # when this run installed it: other Prometheus processes (local clusters) are not ours to stop.
  case " $(echo $missing) " in
    *" prometheus "*)
      if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
        systemctl stop prometheus || true
      fi
      pkill -x prometheus 2>/dev/null || true
      ;;
  esac
}

# The end-to-end and integration test scripts run on the machine's python3 with pytest; the dashboard's
# browser tests drive /usr/bin/chromium through Selenium (given /usr/bin/chromedriver, so Selenium
# Manager never looks for a driver or a browser).
install_test_tools() {
  if ! python3 -c 'import pytest' 2>/dev/null; then
    log "installing pytest for the end-to-end tests"
    python3 -m pip install -q pytest 2>/dev/null || apt-get install -y -qq python3-pytest >/dev/null \
      || die "could not install pytest"
  fi
  if ! python3 -c 'import selenium' 2>/dev/null; then
    log "installing selenium for the dashboard's browser tests"
    python3 -m pip install -q selenium 2>/dev/null || apt-get install -y -qq python3-selenium >/dev/null \
      || die "could not install selenium"
  fi
}

install_packages
install_test_tools
[ "${1:-}" = --packages-only ] && exit 0
"$AVIARY_ROOT/hack/build-kube.sh"
"$AVIARY_ROOT/hack/build-helm.sh"  # the chart tests lint and render charts/aviary with it
if [ -x "$AVIARY_ROOT/hack/setup-mlflow.sh" ]; then "$AVIARY_ROOT/hack/setup-mlflow.sh"; fi
