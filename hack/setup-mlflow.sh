#!/usr/bin/env bash
# Installs the MLflow tracking server (with its model registry) into a venv under the cache:
# $AVIARY_CACHE/mlflow-venv. Idempotent: does nothing when the pinned version is already there.
# The full `mlflow` package is needed: mlflow-skinny has no `mlflow server`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MLFLOW_VERSION=2.22.1
# mlflow 2.22 imports sqlalchemy.pool.FallbackAsyncAdaptedQueuePool, gone in SQLAlchemy 2.1.
requirements=("mlflow==$MLFLOW_VERSION" "sqlalchemy<2.1")
venv=$AVIARY_CACHE/mlflow-venv
stamp=$venv/aviary-requirements.txt

installed_version() {
  [ -x "$venv/bin/python" ] || return 0
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null || true
}

# The stamp records what the last successful install asked for.
if [ "$(installed_version)" = "$MLFLOW_VERSION" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${requirements[*]}" ]; then
  exit 0
fi

command -v python3 >/dev/null || die "python3 is not installed; MLflow runs from a venv"
start=$(date +%s)
log "installing mlflow $MLFLOW_VERSION into $venv (cold: a few minutes)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv" || die "python3 -m venv $venv failed (is python3-venv installed?)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}" \
  || die "pip install ${requirements[*]} failed (see the pip output above)"
[ "$(installed_version)" = "$MLFLOW_VERSION" ] || die "mlflow $MLFLOW_VERSION is not importable after install"
echo "${requirements[*]}" >"$stamp"
log "mlflow $MLFLOW_VERSION ready in $venv ($(( $(date +%s) - start ))s)"
