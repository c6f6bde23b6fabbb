#!/usr/bin/env bash
# Smoke test of the local environment (hack/cluster.sh up; eval "$(hack/cluster.sh env)"):
#   - a Deployment becomes Available on the kwok nodes;
#   - Prometheus answers, and scrapes the traffic simulator's series for a release it sees;
#   - MLflow's model registry answers REST calls;
#   - the API server validates ModelReleases with the project's CRDs (examples/ pass, a bad one fails).
# Exit 77 (skipped) without a cluster.
set -uo pipefail

if [ -z "${KUBECONFIG:-}" ] || [ -z "${AVIARY_PROMETHEUS_URL:-}" ]; then
  echo "SKIP: KUBECONFIG / AVIARY_PROMETHEUS_URL unset; run under hack/test.sh or eval \"\$(hack/cluster.sh env)\""
  exit 77
fi
source_dir=${AVIARY_SOURCE_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
ns=aviary-smoke-$$-$RANDOM
model=aviary-smoke-$$-$RANDOM
failures=0

fail() { echo "FAIL: $*" >&2; return 1; }

# eventually TIMEOUT_S CMD...: retries CMD every 0.5s until it succeeds or the time is up.
eventually() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

prom_query() {
  curl -fsS --max-time 5 "$AVIARY_PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1"
}

mlflow() {
  local method=$1 path=$2; shift 2
  curl -fsS --max-time 10 -X "$method" -H 'Content-Type: application/json' "$AVIARY_MLFLOW_URL/api/2.0/mlflow/$path" "$@"
}

cleanup() {
  kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1
  curl -fs --max-time 5 -X DELETE "${AVIARY_SIMULATOR_URL:-http://unset}/behaviour" \
    -d "{\"namespace\":\"$ns\",\"release\":\"canary\",\"version\":\"2\"}" >/dev/null 2>&1
  mlflow DELETE registered-models/delete -d "{\"name\":\"$model\"}" >/dev/null 2>&1
}
trap cleanup EXIT

modelrelease_crd_installed() { kubectl get crd modelreleases.aviary.dev >/dev/null 2>&1; }

check_deployment_available() {
  kubectl create deployment smoke -n "$ns" --image=registry.invalid/smoke:1 --replicas=2 >/dev/null || return 1
  kubectl wait -n "$ns" --for=condition=Available deployment/smoke --timeout=60s >/dev/null \
    || fail "deployment smoke not Available: $(kubectl get pods -n "$ns" -o wide 2>&1)" || return 1
  local nodes
  nodes=$(kubectl get pods -n "$ns" -l app=smoke -o jsonpath='{.items[*].spec.nodeName}')
  [[ "$nodes" == *kwok-node-* ]] || fail "pods not on kwok nodes: '$nodes'"
}

check_prometheus_up() {
  local answer
  answer=$(prom_query up) || { fail "Prometheus at $AVIARY_PROMETHEUS_URL does not answer"; return 1; }
  jq -e '.status == "success" and (.data.result | map(select(.metric.job == "prometheus" and .value[1] == "1")) | length == 1)' \
    <<<"$answer" >/dev/null || fail "Prometheus does not report itself up: $answer"
}

simulator_running() { curl -fs --max-time 2 -o /dev/null "${AVIARY_SIMULATOR_URL:-http://unset}/healthz"; }

# apply_model_release NAME [TRAFFIC_ROUTING_YAML]: a ModelRelease of model "smoke" version 1.
apply_model_release() {
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: aviary.dev/v1alpha1
kind: ModelRelease
metadata: {name: $1}
spec:
  model: {name: smoke, version: "1"}
  registry: {mlflow: {url: $AVIARY_MLFLOW_URL}}
  template: {spec: {containers: [{name: server, image: registry.invalid/smoke:1}]}}
  service: {port: 8080}
  strategy: {canary: {${2:+trafficRouting: $2, }steps: [{setWeight: 100}]}}
YAML
}

# apply_version RELEASE VERSION: the version's Deployment, labelled as the operator labels it.
apply_version() {
  local labels="{aviary.dev/release: $1, aviary.dev/model-version: \"$2\"}"
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1-$2, labels: $labels}
spec:
  replicas: 1
  selector: {matchLabels: $labels}
  template:
    metadata: {labels: $labels}
    spec: {containers: [{name: server, image: registry.invalid/smoke:1}]}
YAML
}

# apply_service NAME RELEASE SELECTOR: a Service of the release selecting pods by SELECTOR (YAML map).
apply_service() {
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: $1, labels: {aviary.dev/release: $2}}
spec: {selector: $3, ports: [{port: 8080}]}
YAML
}

# The simulator sees a ModelRelease without traffic routing (the root Service over ready pods) and
# its Deployment, and its traffic for that release shows up in Prometheus.
check_simulator_series() {
  if ! simulator_running; then
    echo "note: the traffic simulator is not running; its Prometheus series were not checked"
    return 0
  fi
  modelrelease_crd_installed || { fail "the simulator runs but the ModelRelease CRD is not installed"; return 1; }
  apply_model_release smoke && apply_version smoke 1 \
    && apply_service smoke smoke "{aviary.dev/release: smoke}" || return 1
  local query="sum(model_requests_total{namespace=\"$ns\",release=\"smoke\",version=\"1\"})"
  series_present() { prom_query "$query" | jq -e '.data.result | length == 1' >/dev/null; }
  eventually 30 series_present || fail "no model_requests_total for $ns/smoke in Prometheus after 30s"
}

# A canary at 10% through an HTTPRoute, with a canary told to fail 30% of its requests: the
# simulator follows the route's weights and the canary's errors reach Prometheus.
check_simulator_follows_http_route() {
  simulator_running || return 0
  apply_model_release canary "{gatewayAPI: {httpRoute: canary}}" && apply_version canary 1 && apply_version canary 2 \
    && apply_service canary-stable canary "{aviary.dev/release: canary, aviary.dev/model-version: \"1\"}" \
    && apply_service canary-canary canary "{aviary.dev/release: canary, aviary.dev/model-version: \"2\"}" \
    || return 1
  kubectl apply -n "$ns" -f - >/dev/null <<YAML || return 1
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: canary}
spec:
  rules:
  - backendRefs:
    - {name: canary-stable, port: 8080, weight: 90}
    - {name: canary-canary, port: 8080, weight: 10}
YAML
  curl -fsS --max-time 5 -X PUT "$AVIARY_SIMULATOR_URL/behaviour" \
    -d "{\"namespace\":\"$ns\",\"release\":\"canary\",\"version\":\"2\",\"errorRate\":0.3}" >/dev/null || return 1
  routed() {
    curl -fsS --max-time 5 "$AVIARY_SIMULATOR_URL/routing" | jq -e --arg ns "$ns" \
      '.releases[] | select(.namespace == $ns and .release == "canary") | .versions
       | map({(.version): .share}) | add == {"1": 0.9, "2": 0.1}' >/dev/null
  }
  eventually 30 routed || { fail "the simulator does not split 90/10: $(curl -s "$AVIARY_SIMULATOR_URL/routing")"; return 1; }
  local query="sum(model_requests_total{namespace=\"$ns\",release=\"canary\",version=\"2\",code=\"500\"})"
  canary_errors() { prom_query "$query" | jq -e '.data.result | length == 1' >/dev/null; }
  eventually 30 canary_errors || fail "no canary errors for $ns/canary in Prometheus after 30s"
}

check_mlflow_registry() {
  local answer
  mlflow POST registered-models/create -d "{\"name\":\"$model\"}" >/dev/null \
    || { fail "MLflow at $AVIARY_MLFLOW_URL: cannot create registered model"; return 1; }
  mlflow POST model-versions/create -d "{\"name\":\"$model\",\"source\":\"s3://aviary-smoke/model\"}" >/dev/null \
    || { fail "MLflow: cannot create a model version"; return 1; }
  answer=$(mlflow GET "model-versions/get?name=$model&version=1") || { fail "MLflow: cannot read the version"; return 1; }
  jq -e --arg m "$model" '.model_version.name == $m and .model_version.source == "s3://aviary-smoke/model"' \
    <<<"$answer" >/dev/null || fail "MLflow returned an unexpected model version: $answer"
}

# Every ModelRelease in examples/ is accepted by the API server; setWeight 150 is rejected.
check_modelrelease_validation() {
  if [ ! -d "$source_dir/crds" ]; then
    echo "note: no crds/ in the repository yet; ModelRelease validation was not checked"
    return 0
  fi
  modelrelease_crd_installed || { fail "crds/ exists but modelreleases.aviary.dev is not installed"; return 1; }
  local f found=0 example_ns
  if [ ! -d "$source_dir/examples" ]; then
    echo "note: no examples/ in the repository yet; only the invalid ModelRelease was checked"
    found=1
  fi
  for f in "$source_dir"/examples/*.yaml; do
    [ -f "$f" ] && grep -q '^kind: ModelRelease' "$f" || continue
    found=1
    # Examples name their own namespace; it must exist for a server-side dry run.
    for example_ns in $(sed -n 's/^  namespace: *\([a-z0-9-]*\).*/\1/p' "$f" | sort -u); do
      kubectl create namespace "$example_ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    done
    # Only the ModelReleases: an example ReleaseApproval is meant to be created by its approver.
    kubectl create --dry-run=client -o json -f "$f" \
      | jq '{apiVersion: "v1", kind: "List", items: [(.items // [.])[] | select(.kind == "ModelRelease")]}' \
      | kubectl apply --dry-run=server -f - >/dev/null || fail "the API server rejects $f" || return 1
  done
  [ "$found" = 1 ] || { fail "no ModelRelease in examples/*.yaml"; return 1; }
  local output
  if output=$(kubectl apply --dry-run=server -n "$ns" -f - 2>&1 <<YAML
apiVersion: aviary.dev/v1alpha1
kind: ModelRelease
metadata: {name: invalid-weight}
spec:
  model: {name: smoke, version: "1"}
  registry: {mlflow: {url: http://127.0.0.1:1}}
  template: {spec: {containers: [{name: server, image: registry.invalid/smoke:1}]}}
  service: {port: 8080}
  strategy: {canary: {steps: [{setWeight: 150}]}}
YAML
  ); then
    fail "the API server accepted setWeight: 150"
  else
    grep -q setWeight <<<"$output" || fail "rejected, but not for setWeight: $output"
  fi
}

run() {
  if "$1"; then echo "PASS: $1"; else echo "FAIL: $1"; failures=$((failures + 1)); fi
}

kubectl create namespace "$ns" >/dev/null || { echo "FAIL: cannot create namespace $ns"; exit 1; }
run check_deployment_available
run check_prometheus_up
run check_mlflow_registry
run check_modelrelease_validation
run check_simulator_series
run check_simulator_follows_http_route
[ "$failures" = 0 ] || { echo "$failures check(s) failed"; exit 1; }
echo "all smoke checks passed"
