#!/usr/bin/env bash
# The local test environment, all on loopback: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok (fake Nodes) built by hack/build-kube.sh, plus Prometheus, MLflow and the
# traffic simulator. State and logs live in $AVIARY_CACHE/cluster (see docs/development.md).
#
#   hack/cluster.sh up            start what is not running (a running cluster: no-op); a stopped
#                                 cluster starts from empty stores (AVIARY_KEEP_STATE=1 keeps them);
#                                 AVIARY_CONTROLLER_MANAGER_QPS=100 for bench/run.sh --releases 10000
#   hack/cluster.sh down [--purge] stop every component; --purge also deletes the state (etcd data…)
#   hack/cluster.sh status        one line per component
#   hack/cluster.sh env           the exports tests need: eval "$(hack/cluster.sh env)"
#   hack/cluster.sh user NAME [GROUP…]  a client certificate + kubeconfig for another user; prints its path
#   hack/cluster.sh pause|resume|restart etcd|apiserver  process faults (SIGSTOP, SIGCONT, stop + start)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$AVIARY_ROOT/hack/cluster/lib-cluster.sh"

CORE=(etcd apiserver controller_manager scheduler kwok prometheus mlflow)
MLFLOW_VENV=$AVIARY_CACHE/mlflow-venv
SIMULATOR_BIN=${AVIARY_SIMULATOR_BIN:-$(cd "$AVIARY_ROOT" && realpath -m "${AVIARY_BUILD_DIR:-build}/src/simulator/aviary-simulator")}
SERVICE_CIDR=10.0.0.0/16  # 65,534 Service addresses: room for ~21,000 releases of three Services
START_TIMEOUT=${AVIARY_START_TIMEOUT:-60}

# ---------------------------------------------------------------------------------------------
# Certificates and kubeconfigs (generated once; `down --purge` removes them).

# sign_cert NAME SUBJECT EXTENSIONS: NAME.key + NAME.crt signed by the test CA.
sign_cert() {
  local name=$1 subject=$2 extensions=$3
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/$name.key" -subj "$subject" \
    -out "$PKI_DIR/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days 3650 -out "$PKI_DIR/$name.crt" -extfile <(printf '%s\n' "$extensions") 2>/dev/null
  rm -f "$PKI_DIR/$name.csr"
}

ensure_pki() {
  [ -f "$PKI_DIR/admin.crt" ] && return 0
  log "generating the test CA and certificates in $PKI_DIR"
  mkdir -p "$PKI_DIR"
  openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI_DIR/ca.key" -out "$PKI_DIR/ca.crt" \
    -days 3650 -subj "/CN=aviary-test-ca" 2>/dev/null
  sign_cert apiserver "/CN=kube-apiserver" "$(printf '%s\n' \
    "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1" \
    "extendedKeyUsage=serverAuth" "keyUsage=digitalSignature,keyEncipherment")"
  openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  # Written last: its presence means the PKI is complete.
  sign_cert admin "/O=system:masters/CN=aviary-admin" "extendedKeyUsage=clientAuth"
}

# write_kubeconfig FILE USER: a kubeconfig for USER's certificate (pki/USER.{crt,key}).
write_kubeconfig() {
  local file=$1 user=$2
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: aviary
  cluster:
    server: https://127.0.0.1:${PORTS[apiserver]}
    certificate-authority: $PKI_DIR/ca.crt
users:
- name: $user
  user:
    client-certificate: $PKI_DIR/$user.crt
    client-key: $PKI_DIR/$user.key
contexts:
- name: aviary
  context: {cluster: aviary, user: $user}
current-context: aviary
EOF
}

kubectl_() { "$KUBE_BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

# ---------------------------------------------------------------------------------------------
# Components: one start function each.

start_etcd() {
  # A new etcd has none of the CRDs applied to the old one.
  [ -d "$CLUSTER_DIR/etcd" ] || rm -f "$THIRD_PARTY_STAMP"
  mkdir -p "$CLUSTER_DIR/etcd"
  start_component etcd "$KUBE_BIN/etcd" --name=default --data-dir="$CLUSTER_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:${PORTS[etcd]}" --advertise-client-urls="http://127.0.0.1:${PORTS[etcd]}" \
    --listen-peer-urls="http://127.0.0.1:${PORTS[etcd_peer]}" \
    --initial-advertise-peer-urls="http://127.0.0.1:${PORTS[etcd_peer]}" \
    --initial-cluster="default=http://127.0.0.1:${PORTS[etcd_peer]}" \
    --unsafe-no-fsync --log-level=warn
}

start_apiserver() {
  start_component apiserver "$KUBE_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:${PORTS[etcd]}" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="${PORTS[apiserver]}" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI_DIR/sa.pub" --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --authorization-mode=RBAC \
    --endpoint-reconciler-type=none --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true --profiling=false
}

# Checked before anything starts: a bad value must not leave half a cluster running.
check_controller_manager_qps() {
  local qps=${AVIARY_CONTROLLER_MANAGER_QPS:-}
  [ -z "$qps" ] || [[ "$qps" =~ ^[1-9][0-9]{0,4}$ ]] ||
    die "AVIARY_CONTROLLER_MANAGER_QPS: want a whole number of requests per second, 1..99999; got \"$qps\""
}

start_controller_manager() {
  # Its client's limit: Kubernetes' 20 requests/s (burst 30) unless AVIARY_CONTROLLER_MANAGER_QPS says
  # more (burst twice that). A ReplicaSet, a Deployment status and three EndpointSlices for every
  # release are ~50,000 writes at N = 10,000 (bench/run.sh), 40 minutes at 20/s; at N = 1,000 a
  # higher limit only takes API server time from the operator (docs/benchmarks.md).
  local qps=${AVIARY_CONTROLLER_MANAGER_QPS:-}
  local client_limit=()
  [ -n "$qps" ] && client_limit=(--kube-api-qps="$qps" --kube-api-burst="$((qps * 2))")
  start_component controller_manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="${PORTS[controller_manager]}" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --service-account-private-key-file="$PKI_DIR/sa.key" --root-ca-file="$PKI_DIR/ca.crt" \
    --cluster-signing-cert-file="$PKI_DIR/ca.crt" --cluster-signing-key-file="$PKI_DIR/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" --controllers='*' "${client_limit[@]}"
}

start_scheduler() {
  start_component scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig="$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="${PORTS[scheduler]}" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE"
}

start_kwok() {
  start_component kwok "$KUBE_BIN/kwok" --config="$AVIARY_ROOT/hack/cluster/kwok.yaml" \
    --kubeconfig="$KUBECONFIG_FILE" --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --server-address="127.0.0.1:${PORTS[kwok]}" --cidr=10.244.0.1/16 --node-ip=127.0.0.1
}

start_prometheus() {
  local dir=$CLUSTER_DIR/prometheus
  mkdir -p "$dir/data" "$dir/targets"
  sed -e "s|@PROMETHEUS_PORT@|${PORTS[prometheus]}|g" -e "s|@SIMULATOR_PORT@|${PORTS[simulator]}|g" \
    -e "s|@TARGETS_DIR@|$dir/targets|g" "$AVIARY_ROOT/hack/cluster/prometheus.yml.in" >"$dir/prometheus.yml"
  start_component prometheus prometheus --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=1d \
    --storage.tsdb.retention.size=1GB \
    --web.listen-address="127.0.0.1:${PORTS[prometheus]}" --web.enable-lifecycle
}

start_mlflow() {
  mkdir -p "$CLUSTER_DIR/mlflow/artifacts"
  start_component mlflow "$MLFLOW_VENV/bin/mlflow" server \
    --backend-store-uri "sqlite:///$CLUSTER_DIR/mlflow/mlflow.db" \
    --serve-artifacts --artifacts-destination "$CLUSTER_DIR/mlflow/artifacts" \
    --host 127.0.0.1 --port "${PORTS[mlflow]}" --workers 2 --gunicorn-opts=--preload
}

start_simulator() {
  start_component simulator "$SIMULATOR_BIN" --kubeconfig="$KUBECONFIG_FILE" \
    --listen="127.0.0.1:${PORTS[simulator]}"
}

# ---------------------------------------------------------------------------------------------
# Readiness checks and resources.

apiserver_ready() { kubectl_ get --raw /readyz; }
https_healthy() { curl -fsSk --max-time 2 -o /dev/null "https://127.0.0.1:$1/healthz"; }
nodes_ready() {
  local ready
  ready=$(kubectl_ get nodes -l type=kwok \
    -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)
  [ "$ready" -ge 3 ]
}

# The directory of a Go module's source, downloaded through the module proxy into GOMODCACHE once;
# remembered in the cluster dir because `go` itself takes a second or two to answer on a busy machine.
module_dir() {
  local memo=$CLUSTER_DIR/modules/${1//[\/@]/_} dir
  if [ -f "$memo" ] && dir=$(cat "$memo") && [ -d "$dir" ]; then echo "$dir"; return 0; fi
  dir=$(cd "$AVIARY_ROOT/tools/kube" && go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || return 1
  mkdir -p "$CLUSTER_DIR/modules" && echo "$dir" >"$memo"
  echo "$dir"
}

# kubectl_apply FILE_ARGS...: server-side apply (the Istio CRDs are too large for client-side
# apply's annotation). The API server warns about OpenAPI formats it does not know (Istio's
# "binary"); that is noise here.
kubectl_apply() {
  kubectl_ apply --server-side --force-conflicts --field-manager=aviary-cluster "$@" \
    2> >(grep -v 'unrecognized format' >&2) >/dev/null
}

wait_crds_established() {
  kubectl_ wait --for=condition=Established --timeout="${START_TIMEOUT}s" crd --all >/dev/null \
    || die "CRDs not Established after ${START_TIMEOUT}s"
}

# Their versions are pinned, so once applied to this etcd they are skipped (saves ~15s per warm up).
THIRD_PARTY_STAMP=$CLUSTER_DIR/third-party-crds.applied

apply_third_party_crds() {
  local gateway istio want="gateway-api=$GATEWAY_API_VERSION istio=$ISTIO_API_VERSION"
  [ "$(cat "$THIRD_PARTY_STAMP" 2>/dev/null)" = "$want" ] && return 0
  gateway=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
  istio=$(module_dir "istio.io/api@$ISTIO_API_VERSION")
  [ -d "$gateway/config/crd/standard" ] || die "gateway-api $GATEWAY_API_VERSION CRDs not found (go mod download failed?)"
  [ -f "$istio/kubernetes/customresourcedefinitions.gen.yaml" ] || die "istio api $ISTIO_API_VERSION CRDs not found"
  kubectl_apply -f "$gateway/config/crd/standard" -f "$istio/kubernetes/customresourcedefinitions.gen.yaml" \
    || die "applying the Gateway API and Istio CRDs failed"
  echo "$want" >"$THIRD_PARTY_STAMP"
}

# The project's own CRDs and admission policies, re-applied by every `up` so edits take effect.
apply_repo_crds() {
  compgen -G "$AVIARY_ROOT/crds/*.yaml" >/dev/null || return 0
  kubectl_apply -f "$AVIARY_ROOT/crds" || die "applying $AVIARY_ROOT/crds failed"
}

# ---------------------------------------------------------------------------------------------
# Commands.

check_prerequisites() {
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [ -x "$KUBE_BIN/$b" ] || die "$KUBE_BIN/$b is missing: run hack/setup.sh (or hack/build-kube.sh)"
  done
  command -v prometheus >/dev/null || die "prometheus is not installed: run hack/setup.sh"
  [ -x "$MLFLOW_VENV/bin/mlflow" ] || die "MLflow is not installed: run hack/setup-mlflow.sh"
}

core_running_count() {
  local c n=0
  for c in "${CORE[@]}"; do component_running "$c" && n=$((n + 1)); done
  echo "$n"
}

# The simulator is optional (it exists once built) and restarted when its binary changed.
ensure_simulator() {
  [ -x "$SIMULATOR_BIN" ] || { log "simulator not built ($SIMULATOR_BIN); skipping it"; return 0; }
  if component_running simulator && [ "$SIMULATOR_BIN" -ot "$(pid_file simulator)" ]; then return 0; fi
  stop_component simulator
  require_free_port simulator "${PORTS[simulator]}"
  start_simulator
  # /readyz: it has read the cluster once, so traffic for existing releases starts at once.
  wait_until simulator "$START_TIMEOUT" "/readyz" http_ok "http://127.0.0.1:${PORTS[simulator]}/readyz"
}

# A cold start begins with empty stores. The data a stopped cluster left (etcd objects, Prometheus'
# TSDB, MLflow's database) belongs to runs nobody is watching any more: leftover releases load the
# simulator, and replaying a benchmark's 5 GB Prometheus WAL took longer than the start timeout.
# The PKI and the kubeconfigs stay. AVIARY_KEEP_STATE=1 keeps everything.
discard_stale_state() {
  [ "${AVIARY_KEEP_STATE:-0}" = 1 ] && return 0
  if [ -d "$CLUSTER_DIR/etcd" ] || [ -d "$CLUSTER_DIR/prometheus/data" ] || [ -d "$CLUSTER_DIR/mlflow" ]; then
    log "discarding the stopped cluster's etcd, Prometheus and MLflow data (AVIARY_KEEP_STATE=1 keeps it)"
  fi
  rm -rf "$CLUSTER_DIR/etcd" "$CLUSTER_DIR/prometheus/data" "$CLUSTER_DIR/prometheus/targets" \
    "$CLUSTER_DIR/mlflow" "$THIRD_PARTY_STAMP"
}

cmd_up() {
  local start=$SECONDS running
  check_prerequisites
  running=$(core_running_count)
  if [ "$running" -eq "${#CORE[@]}" ]; then
    load_ports
    apply_repo_crds
    wait_crds_established
    ensure_simulator
    log "cluster already running"
    return 0
  fi
  if [ "$running" -gt 0 ] || [ -n "$(ls -A "$PID_DIR" 2>/dev/null)" ]; then
    log "cluster half-started ($running of ${#CORE[@]} components running): stopping it first"
    cmd_down
  fi
  # A failed start leaves nothing running (the logs stay); AVIARY_KEEP_FAILED=1 keeps it to debug.
  [ "${AVIARY_KEEP_FAILED:-0}" = 1 ] || trap 'log "up failed: stopping what was started"; cmd_down' EXIT
  check_controller_manager_qps
  discard_stale_state
  rm -f "$PORTS_FILE"
  load_ports
  local name
  for name in "${!PORTS[@]}"; do require_free_port "$name" "${PORTS[$name]}"; done
  save_ports
  ensure_pki
  write_kubeconfig "$KUBECONFIG_FILE" admin

  # Everything that does not need a ready apiserver starts at once (the apiserver retries etcd);
  # each wait names the component that failed.
  start_etcd
  start_apiserver
  start_prometheus
  start_mlflow
  wait_until etcd "$START_TIMEOUT" "/health" http_ok "http://127.0.0.1:${PORTS[etcd]}/health"
  wait_until apiserver "$START_TIMEOUT" "/readyz" apiserver_ready
  start_controller_manager
  start_scheduler
  start_kwok
  kubectl_ apply -f "$AVIARY_ROOT/hack/cluster/nodes.yaml" >/dev/null || die "creating the kwok nodes failed"
  apply_third_party_crds
  apply_repo_crds
  wait_crds_established
  log "CRDs established ($((SECONDS - start))s since start)"
  wait_until prometheus "$START_TIMEOUT" "/-/ready" http_ok "http://127.0.0.1:${PORTS[prometheus]}/-/ready"
  wait_until mlflow "$START_TIMEOUT" "/health" http_ok "http://127.0.0.1:${PORTS[mlflow]}/health"
  wait_until controller_manager "$START_TIMEOUT" "/healthz" https_healthy "${PORTS[controller_manager]}"
  wait_until scheduler "$START_TIMEOUT" "/healthz" https_healthy "${PORTS[scheduler]}"
  wait_until kwok "$START_TIMEOUT" "3 Ready nodes" nodes_ready
  ensure_simulator
  trap - EXIT
  log "cluster up in $((SECONDS - start))s; eval \"\$(hack/cluster.sh env)\" to use it"
}

cmd_down() {
  local c stoppers=()
  # In parallel (each may take seconds to drain), the apiserver's clients first and etcd last. Only
  # the stoppers are waited for: after a failed `up` the components are children of this shell too.
  for c in simulator kwok scheduler controller_manager mlflow prometheus; do
    stop_component "$c" &
    stoppers+=($!)
  done
  wait "${stoppers[@]}"
  stop_component apiserver
  stop_component etcd
  # Every component names the cluster dir on its command line; anything still doing so escaped.
  local leftover
  leftover=$(pgrep -f -- "$CLUSTER_DIR/" | grep -vx "$$" || true)
  [ -z "$leftover" ] || log "warning: processes still mention $CLUSTER_DIR: $(echo $leftover)"
  if [ "${1:-}" = --purge ]; then
    log "removing $CLUSTER_DIR"
    find "$CLUSTER_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  fi
}

cmd_status() {
  local c pid
  load_ports
  for c in "${CORE[@]}" simulator; do
    if pid=$(component_pid "$c"); then
      printf '%-19s running  pid %-8s port %s\n' "$c" "$pid" "${PORTS[$c]}"
    else
      printf '%-19s stopped  %-12s port %s\n' "$c" "" "${PORTS[$c]}"
    fi
  done
}

cmd_env() {
  load_ports
  cat <<EOF
export AVIARY_CLUSTER_DIR=$CLUSTER_DIR
export KUBECONFIG=$KUBECONFIG_FILE
export PATH=$KUBE_BIN:\$PATH
export AVIARY_APISERVER_URL=https://127.0.0.1:${PORTS[apiserver]}
export AVIARY_ETCD_URL=http://127.0.0.1:${PORTS[etcd]}
export AVIARY_PROMETHEUS_URL=http://127.0.0.1:${PORTS[prometheus]}
export AVIARY_MLFLOW_URL=http://127.0.0.1:${PORTS[mlflow]}
export AVIARY_SIMULATOR_URL=http://127.0.0.1:${PORTS[simulator]}
export AVIARY_PROMETHEUS_TARGETS_DIR=$CLUSTER_DIR/prometheus/targets
EOF
}

# A client certificate for another user (for RBAC / admission tests); prints its kubeconfig path.
cmd_user() {
  local user=${1:?usage: hack/cluster.sh user NAME [GROUP...]}; shift
  local subject="" group
  [[ "$user" =~ ^[A-Za-z0-9._@-]+$ ]] || die "user name '$user' has characters a file name cannot carry"
  [ -f "$PKI_DIR/ca.key" ] || die "no cluster PKI yet: run hack/cluster.sh up"
  load_ports
  for group in "$@"; do subject+="/O=$group"; done
  sign_cert "user-$user" "$subject/CN=$user" "extendedKeyUsage=clientAuth"
  write_kubeconfig "$CLUSTER_DIR/kubeconfig-$user" "user-$user"
  echo "$CLUSTER_DIR/kubeconfig-$user"
}

# ---------------------------------------------------------------------------------------------
# Process-level faults of one control-plane component, for tests/faults/control_plane.py (e2e fault
# tests, bench/soak.sh). pause/resume: SIGSTOP/SIGCONT to its process group; restart: stop it (SIGTERM)
# and start it again with the same state and ports, then wait until it is ready.
FAULT_COMPONENTS=(etcd apiserver)

cmd_fault() {
  local action=$1 name=${2:-} pid
  [[ " ${FAULT_COMPONENTS[*]} " == *" $name "* ]] || die "usage: $0 $action ${FAULT_COMPONENTS[*]// /|}"
  load_ports
  pid=$(component_pid "$name") || die "$name is not running"
  case "$action" in
    pause) kill -STOP -- "-$pid" ;;
    resume) kill -CONT -- "-$pid" ;;
    restart)
      kill -CONT -- "-$pid" 2>/dev/null || true  # a paused one would not stop on SIGTERM
      stop_component "$name"
      "start_$name"
      if [ "$name" = etcd ]; then
        wait_until etcd "$START_TIMEOUT" "/health" http_ok "http://127.0.0.1:${PORTS[etcd]}/health"
      else
        wait_until apiserver "$START_TIMEOUT" "/readyz" apiserver_ready
      fi ;;
  esac
}

# up and down change the shared state: one at a time (several engineers and test runs share the cache).
lock_cluster() {
  mkdir -p "$CLUSTER_DIR"
  exec 9>"$CLUSTER_DIR/.lock"
  flock -w 300 9 || die "another hack/cluster.sh up/down still holds $CLUSTER_DIR/.lock after 300s"
}

case "${1:-}" in
  up) lock_cluster; cmd_up ;;
  down) lock_cluster; cmd_down "${2:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  user) shift; cmd_user "$@" ;;
  pause|resume) cmd_fault "$@" ;;
  restart) lock_cluster; cmd_fault "$@" ;;
  *) echo "usage: $0 up|down [--purge]|status|env|user NAME [GROUP...]|pause|resume|restart etcd|apiserver" >&2; exit 2 ;;
esac
