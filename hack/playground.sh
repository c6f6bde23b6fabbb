#!/usr/bin/env bash
# The local playground (README, "The two commands"): installs and builds what is missing, starts the
# local cluster, runs the operator, and walks the ModelRelease in examples/playground/ through three
# versions of the model demo-scorer:
#   1  the first release: deployed straight to stable;
#   2  a healthy canary: 20% → pause → error-rate and sequential gates → 60% → pause → 100%, promoted;
#   3  a bad canary (the traffic simulator makes it fail 40% of requests): the gate fails and the
#      release rolls back to version 2 automatically.
#
#   hack/playground.sh          at the end: deletes the playground (namespace, operator); stops the
#                               cluster too if this run started it, otherwise leaves it as it was
#   hack/playground.sh --keep   leaves everything running to explore (the script prints where to look)
#
# Environment: AVIARY_BUILD_DIR (default build/), AVIARY_PLAYGROUND_TIMEOUT (seconds per wait, 180).
# The operator's log and pid file live in $AVIARY_CACHE/playground/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$AVIARY_ROOT"

KEEP=0
case "${1:-}" in
  --keep) KEEP=1 ;;
  "") ;;
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
esac

NS=playground
RELEASE=demo-scorer
MODEL=demo-scorer
TIMEOUT=${AVIARY_PLAYGROUND_TIMEOUT:-180}
BUILD_DIR=${AVIARY_BUILD_DIR:-$AVIARY_ROOT/build}
AVIARY=$BUILD_DIR/src/cli/aviary
STATE_DIR=$AVIARY_CACHE/playground
OPERATOR_LOG=$STATE_DIR/operator.log
OPERATOR_PID_FILE=$STATE_DIR/operator.pid
OPERATOR_PID=""
WATCHER_PID=""
STARTED_CLUSTER=0

step() { printf '\n==> %s\n' "$*" >&2; }

# fail MESSAGE: what timed out or broke, the release as the operator sees it and the operator's log.
fail() {
  log "error: $*"
  if command -v kubectl >/dev/null && [ -n "${KUBECONFIG:-}" ]; then
    kubectl get mrel -n "$NS" "$RELEASE" -o wide 2>/dev/null >&2 || true
    kubectl get mrel -n "$NS" "$RELEASE" -o jsonpath='{.status.message}{"\n"}' 2>/dev/null >&2 || true
  fi
  if [ -f "$OPERATOR_LOG" ]; then
    log "last lines of the operator log ($OPERATOR_LOG):"
    tail -n 30 "$OPERATOR_LOG" >&2
  fi
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Install, build, start the cluster.

prepare() {
  step "installing what is missing (hack/setup.sh)"
  hack/setup.sh
  step "building aviary and the traffic simulator in $BUILD_DIR"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    # The same configuration as hack/test.sh: both share the build tree.
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  cmake --build "$BUILD_DIR" --target aviary aviary-simulator -j "$(nproc)" || die "build failed"
  step "starting the local cluster (hack/cluster.sh up)"
  # Stopped again at the end (without --keep) only when this run started it.
  if hack/cluster.sh status | grep -v '^simulator' | grep -q stopped; then STARTED_CLUSTER=1; fi
  AVIARY_BUILD_DIR=$BUILD_DIR hack/cluster.sh up
  eval "$(hack/cluster.sh env)"
}

# ---------------------------------------------------------------------------------------------
# MLflow: the three model versions the release refers to.

mlflow_api() {  # METHOD PATH [JSON]
  curl -sS --max-time 10 -X "$1" -H 'Content-Type: application/json' "$AVIARY_MLFLOW_URL/api/2.0/mlflow/$2" \
    ${3:+-d "$3"}
}

register_model_versions() {
  step "registering $MODEL versions 1, 2, 3 in MLflow ($AVIARY_MLFLOW_URL)"
  local out v
  out=$(mlflow_api POST registered-models/create "{\"name\":\"$MODEL\",\"description\":\"aviary playground model\"}") \
    || die "MLflow at $AVIARY_MLFLOW_URL did not answer"
  case "$out" in *'"registered_model"'* | *RESOURCE_ALREADY_EXISTS*) ;; *) die "creating model $MODEL: $out" ;; esac
  for v in 1 2 3; do
    out=$(mlflow_api GET "model-versions/get?name=$MODEL&version=$v")
    case "$out" in *'"model_version"'*) continue ;; *RESOURCE_DOES_NOT_EXIST*) ;; *) die "reading $MODEL/$v: $out" ;; esac
    # MLflow numbers versions itself (1, 2, 3… in creation order). The source is where a model server
    # would load the artifacts from (MODEL_URI in the pods); nothing is uploaded in the playground, and a
    # models:/ URI cannot be used because MLflow resolves those when a version is created.
    out=$(mlflow_api POST model-versions/create \
      "{\"name\":\"$MODEL\",\"source\":\"mlflow-artifacts:/playground/$MODEL/$v\",\"description\":\"playground version $v\"}")
    case "$out" in *"\"version\": \"$v\""* | *"\"version\":\"$v\""*) ;; *) die "registering $MODEL version $v: $out" ;; esac
  done
}

# ---------------------------------------------------------------------------------------------
# The operator, as a process on this machine (in a real cluster: manifests/operator/deployment.yaml).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Our own operator from an earlier --keep run: identified by its pid file and command line.
stop_previous_operator() {
  local pid
  pid=$(cat "$OPERATOR_PID_FILE" 2>/dev/null) || return 0
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "aviary operator.*--namespace $NS"; then
    log "stopping the operator of an earlier run (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$OPERATOR_PID_FILE" "$AVIARY_PROMETHEUS_TARGETS_DIR/playground-operator.json"
}

# A playground left by --keep (or a failed run) would make version 1 a rollout instead of a first
# release: start from an empty namespace.
reset_namespace() {
  kubectl get namespace "$NS" >/dev/null 2>&1 || return 0
  log "deleting the namespace $NS left by an earlier run"
  kubectl delete namespace "$NS" --wait=false >/dev/null
  kubectl wait --for=delete namespace/"$NS" --timeout="${TIMEOUT}s" >/dev/null 2>&1 \
    || fail "namespace $NS still terminating after ${TIMEOUT}s (kubectl get namespace $NS -o yaml shows what holds it)"
}

start_operator() {
  local port
  port=$(free_port)
  mkdir -p "$STATE_DIR"
  [ -f "$OPERATOR_LOG" ] && mv -f "$OPERATOR_LOG" "$OPERATOR_LOG.prev"
  step "starting the operator (log: $OPERATOR_LOG, health and metrics on 127.0.0.1:$port)"
  # Only the playground's namespace: end-to-end tests run their own operators on the same cluster.
  # setsid: its own session, so a Ctrl-C in this terminal reaches it only through our trap.
  setsid "$AVIARY" operator --namespace "$NS" --health-addr "127.0.0.1:$port" >"$OPERATOR_LOG" 2>&1 &
  OPERATOR_PID=$!
  echo "$OPERATOR_PID" >"$OPERATOR_PID_FILE"
  OPERATOR_HEALTH=http://127.0.0.1:$port
  local deadline=$((SECONDS + 60))
  until curl -fs --max-time 2 -o /dev/null "$OPERATOR_HEALTH/readyz"; do
    kill -0 "$OPERATOR_PID" 2>/dev/null || fail "the operator exited at start"
    [ "$SECONDS" -lt "$deadline" ] || fail "the operator is not ready after 60s ($OPERATOR_HEALTH/readyz)"
    sleep 0.5
  done
  # Prometheus scrapes the operator's own metrics too (aviary_* series, docs/metrics.md).
  printf '[{"targets":["127.0.0.1:%s"],"labels":{"job":"aviary-operator"}}]\n' "$port" \
    >"$AVIARY_PROMETHEUS_TARGETS_DIR/playground-operator.json"
}

# ---------------------------------------------------------------------------------------------
# The release.

apply_playground() {
  step "applying examples/playground/ (namespace $NS, HTTPRoute $RELEASE, ModelRelease $RELEASE version 1)"
  local f
  for f in examples/playground/*.yaml; do
    sed -e "s|\${AVIARY_PROMETHEUS_URL}|$AVIARY_PROMETHEUS_URL|g" -e "s|\${AVIARY_MLFLOW_URL}|$AVIARY_MLFLOW_URL|g" "$f" \
      | kubectl apply -f - || fail "kubectl apply of $f failed"
  done
}

set_version() {
  kubectl patch mrel -n "$NS" "$RELEASE" --type merge -p "{\"spec\":{\"model\":{\"version\":\"$1\"}}}" >/dev/null \
    || fail "setting spec.model.version to $1 failed"
  log "\$ kubectl -n $NS patch mrel $RELEASE --type merge -p '{\"spec\":{\"model\":{\"version\":\"$1\"}}}'"
}

status_field() { kubectl get mrel -n "$NS" "$RELEASE" -o jsonpath="$1" 2>/dev/null; }

# One line of what the release is doing: phase, versions, step, weight, message.
STATUS_LINE='{.status.phase}|{.status.stableVersion}|{.status.canaryVersion}|{.status.currentStepIndex}|{.status.canaryWeight}|{.status.message}'
format_status() {
  local phase stable canary step weight message
  IFS='|' read -r phase stable canary step weight message <<<"$1"
  [ -n "$phase" ] || return 0  # the operator has not written a status yet
  printf '  %-9s %-16s stable %-3s canary %-3s step %-3s weight %3s%%  %s\n' \
    "$(date +%H:%M:%S)" "${phase:-?}" "${stable:--}" "${canary:--}" "${step:--}" "${weight:-0}" "$message"
}

# Whether `aviary status` exists in this build (it is newer than the playground).
have_status_command() {
  local out
  out=$("$AVIARY" status --help 2>&1 || true)
  [[ "$out" != *"unknown command"* ]]
}

# watch_until "PHASE…" VERSION: follows the release until its phase is one of PHASES with the spec's
# version handled (stable or rolled back), printing each change; fails after $TIMEOUT seconds.
watch_until() {
  local want=" $1 " version=$2 deadline=$((SECONDS + TIMEOUT)) line last="" phase watcher=""
  if have_status_command; then
    "$AVIARY" status "$RELEASE" --namespace "$NS" --watch &
    watcher=$!
    WATCHER_PID=$watcher  # for teardown, when a wait fails or is interrupted
  fi
  while :; do
    line=$(status_field "$STATUS_LINE") || line=""
    if [ -z "$watcher" ] && [ "$line" != "$last" ]; then format_status "$line"; last=$line; fi
    phase=${line%%|*}
    if [[ "$want" == *" $phase "* ]] && [ "$(status_field '{.status.observedGeneration}')" = "$(status_field '{.metadata.generation}')" ] \
      && { [ "$(status_field '{.status.stableVersion}')" = "$version" ] || [ "$(status_field '{.status.rolledBackVersion}')" = "$version" ]; }; then
      break
    fi
    if [ -n "$watcher" ] && ! kill -0 "$watcher" 2>/dev/null; then
      log "aviary status --watch exited; following the release with kubectl instead"
      watcher=""
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
      fail "version $version of $RELEASE did not reach ${1// / or } within ${TIMEOUT}s (last: ${line:-no status})"
    fi
    kill -0 "$OPERATOR_PID" 2>/dev/null || fail "the operator (pid $OPERATOR_PID) exited"
    sleep 1
  done
  if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; fi
}

# gate_summary VERSION: each gate measured for VERSION (status.gates keeps the stages of earlier
# versions too): its verdict, the last measured value and the judge.
gate_summary() {
  kubectl get mrel -n "$NS" "$RELEASE" -o json | python3 -c '
import json, sys
version = sys.argv[1]
for g in json.load(sys.stdin).get("status", {}).get("gates", []):
    if not g.get("stage", "").startswith(version + "/"):
        continue
    last = (g.get("measurements") or [{}])[-1]
    print("gate %s: %s, measured %s (%s), %d passed / %d failed measurements" % (
        g["name"], g.get("verdict"), last.get("value", "-"), g.get("judge"), g.get("successes", 0), g.get("failures", 0)))
' "$1"
}

prometheus_has() {  # PROMQL: true when the instant query returns at least one series
  curl -fsS --max-time 5 -G "$AVIARY_PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" 2>/dev/null \
    | grep -q '"result":\[{'
}

wait_for_traffic() {
  # Requests to version 1 now (a rate, so the counters of an earlier run's release do not count):
  # the gate's query has nothing to measure until the simulator's series reach Prometheus.
  local series="model_requests_total{namespace=\"$NS\",release=\"$RELEASE\",version=\"1\"}" deadline=$((SECONDS + 60))
  series="sum(rate($series[5s])) > 0"
  step "waiting for the simulator's traffic to version 1 to reach Prometheus"
  until prometheus_has "$series"; do
    [ "$SECONDS" -lt "$deadline" ] \
      || fail "no $series in Prometheus after 60s (the simulator's routing: curl $AVIARY_SIMULATOR_URL/routing; targets: $AVIARY_PROMETHEUS_URL/targets)"
    sleep 1
  done
}

simulator_behaviour() {  # METHOD JSON
  curl -fsS --max-time 5 -X "$1" "$AVIARY_SIMULATOR_URL/behaviour" -d "$2" >/dev/null \
    || fail "the simulator's $1 /behaviour failed ($AVIARY_SIMULATOR_URL)"
}

# ---------------------------------------------------------------------------------------------
# The end.

teardown() {
  local rc=$?
  [ -z "$WATCHER_PID" ] || kill "$WATCHER_PID" 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then
    [ "$rc" = 0 ] || log "--keep: leaving everything running to look at (operator pid ${OPERATOR_PID:-none})"
    return
  fi
  step "tearing the playground down (hack/playground.sh --keep leaves it running)"
  if [ -n "${KUBECONFIG:-}" ] && command -v kubectl >/dev/null; then
    curl -fsS --max-time 5 -X DELETE "${AVIARY_SIMULATOR_URL:-http://127.0.0.1:0}/behaviour" \
      -d "{\"namespace\":\"$NS\",\"release\":\"$RELEASE\",\"version\":\"3\"}" >/dev/null 2>&1 || true
    # The release first, while the operator still runs; its Deployments and Services are owned by it.
    kubectl delete mrel -n "$NS" "$RELEASE" --ignore-not-found --timeout=60s >/dev/null 2>&1 || true
    kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  fi
  if [ -n "$OPERATOR_PID" ] && kill -0 "$OPERATOR_PID" 2>/dev/null; then
    kill -TERM "$OPERATOR_PID" 2>/dev/null || true
    wait "$OPERATOR_PID" 2>/dev/null || true
  fi
  rm -f "$OPERATOR_PID_FILE" "${AVIARY_PROMETHEUS_TARGETS_DIR:-/nonexistent}/playground-operator.json"
  if [ "$STARTED_CLUSTER" = 1 ]; then
    log "stopping the cluster this run started (hack/cluster.sh down)"
    hack/cluster.sh down || true
  else
    log "the cluster keeps running (it was up before); hack/cluster.sh down stops it"
  fi
}

# What the operator recorded in MLflow for VERSION (written from the status outbox, so it may lag the
# phase by a moment): the version's tags, and which version the alias `champion` points at.
show_registry_record() {
  local version=$1 deadline=$((SECONDS + 15)) out
  while :; do
    out=$(mlflow_api GET "model-versions/get?name=$MODEL&version=$version")
    [[ "$out" == *AnalysisFailed* ]] && break
    [ "$SECONDS" -lt "$deadline" ] || { log "MLflow has no rollback record on version $version yet (the operator retries)"; return 0; }
    sleep 1
  done
  python3 -c '
import json, sys
v = json.loads(sys.argv[1])["model_version"]
m = json.loads(sys.argv[2]).get("registered_model", {})
tags = ", ".join("%s=%s" % (t["key"], t["value"]) for t in v.get("tags", []))
champion = [a["version"] for a in m.get("aliases", []) if a["alias"] == "champion"]
print("MLflow: %s version %s tags: %s; alias champion -> version %s" % (v["name"], v["version"], tags, champion[0] if champion else "none"))
' "$out" "$(mlflow_api GET "registered-models/get?name=$MODEL")" >&2
}

# The rolled back rollout's decision record (docs/audit.md): its MLflow run, once the operator has
# ended it, and the first lines of `aviary report`.
show_decision_record() {
  local deadline=$((SECONDS + 20)) url
  until "$AVIARY" report -n "$NS" "$RELEASE" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "the decision record is not complete in MLflow yet (the operator retries)"; break; }
    sleep 1
  done
  "$AVIARY" report -n "$NS" "$RELEASE" 2>&1 | sed -n '1,9p' >&2 || true
  url=$(status_field '{.status.decisionRecords[-1:].runUrl}')
  [ -z "$url" ] || log "decision record (MLflow run): $url"
}

where_to_look() {
  cat <<EOF

Where to look (first: eval "\$(hack/cluster.sh env)"):
  kubectl get mrel -n $NS
  kubectl describe mrel -n $NS $RELEASE     conditions, gates and Events
  kubectl get httproute -n $NS $RELEASE -o yaml
  Prometheus   $AVIARY_PROMETHEUS_URL/graph?g0.expr=sum%20by%20(version%2Ccode)%20(rate(model_requests_total%7Bnamespace%3D%22$NS%22%7D%5B15s%5D))
  MLflow UI    $AVIARY_MLFLOW_URL/#/models/$MODEL   (tags and aliases the operator recorded)
  decisions    $AVIARY report -n $NS $RELEASE [--rollout N] [-o markdown]; runs in MLflow experiment aviary/$NS/$RELEASE
  simulator    $AVIARY_SIMULATOR_URL/routing
  operator     log $OPERATOR_LOG
               metrics $OPERATOR_HEALTH/metrics (also scraped by Prometheus as job="aviary-operator")
EOF
}

main() {
  prepare
  trap teardown EXIT
  trap 'exit 130' INT TERM
  register_model_versions
  stop_previous_operator
  reset_namespace
  start_operator
  apply_playground

  step "version 1: the first release goes straight to stable"
  watch_until Promoted 1
  wait_for_traffic

  step "version 2 (healthy): canary 20% → pause 5s → error-rate and sequential errors-vs-baseline gates → 60% → pause 5s → 100%"
  set_version 2
  watch_until "Promoted RolledBack" 2
  [ "$(status_field '{.status.phase}')" = Promoted ] || fail "version 2 was rolled back; it should have passed the gate"
  log "version 2 promoted; $(gate_summary 2)"

  step "version 3 (bad): the simulator fails 40% of its requests; the gate should roll it back"
  simulator_behaviour PUT "{\"namespace\":\"$NS\",\"release\":\"$RELEASE\",\"version\":\"3\",\"errorRate\":0.4}"
  log "\$ curl -X PUT \$AVIARY_SIMULATOR_URL/behaviour -d '{\"namespace\":\"$NS\",\"release\":\"$RELEASE\",\"version\":\"3\",\"errorRate\":0.4}'"
  set_version 3
  watch_until "RolledBack Promoted" 3
  [ "$(status_field '{.status.phase}')" = RolledBack ] || fail "version 3 was promoted despite its 40% error rate"
  log "rolled back to version $(status_field '{.status.stableVersion}'); $(gate_summary 3)"
  log "condition Degraded: $(status_field '{.status.conditions[?(@.type=="Degraded")].reason}: {.status.conditions[?(@.type=="Degraded")].message}')"
  show_registry_record 3
  show_decision_record

  where_to_look
  if [ "$KEEP" = 1 ]; then
    step "playground done; it keeps running (hack/playground.sh again starts it over)"
  else
    step "playground done; it is deleted next (hack/playground.sh --keep leaves it running to look at)"
  fi
}

main
