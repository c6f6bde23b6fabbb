# Helpers for hack/cluster.sh: where state lives, ports, starting/stopping a component by pid file,
# waiting with a timeout. Source after hack/lib.sh; don't run.
#
# Every component runs in its own session (setsid), so its pid is also its process-group id and
# `down` can stop it together with any children it forked (MLflow's gunicorn workers).

CLUSTER_DIR=${AVIARY_CLUSTER_DIR:-$AVIARY_CACHE/cluster}
PKI_DIR=$CLUSTER_DIR/pki
LOG_DIR=$CLUSTER_DIR/logs
PID_DIR=$CLUSTER_DIR/pids
PORTS_FILE=$CLUSTER_DIR/ports.env
KUBECONFIG_FILE=$CLUSTER_DIR/kubeconfig
STOP_TIMEOUT=${AVIARY_STOP_TIMEOUT:-10}

# Default loopback ports: below the ephemeral range and away from the usual ones (2379, 6443, 9090,
# 5000…) so a developer's own services don't collide.
# Override one with AVIARY_PORT_<NAME>, e.g. AVIARY_PORT_APISERVER=36443.
declare -A DEFAULT_PORTS=(
  [etcd]=21379 [etcd_peer]=21380 [apiserver]=21443 [controller_manager]=21257 [scheduler]=21259
  [kwok]=21247 [prometheus]=21090 [mlflow]=21500 [simulator]=21080
)
declare -A PORTS=()

# Ports of the running cluster (written by `up`), else the defaults with overrides.
load_ports() {
  local name var
  for name in "${!DEFAULT_PORTS[@]}"; do
    var=AVIARY_PORT_${name^^}
    PORTS[$name]=${!var:-${DEFAULT_PORTS[$name]}}
  done
  if [ -f "$PORTS_FILE" ]; then
    while IFS='=' read -r name var; do [ -n "$name" ] && PORTS[$name]=$var; done <"$PORTS_FILE"
  fi
}

save_ports() {
  local name
  mkdir -p "$CLUSTER_DIR"
  for name in "${!PORTS[@]}"; do echo "$name=${PORTS[$name]}"; done | sort >"$PORTS_FILE"
}

port_in_use() {
  [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

# Fails with the component's name when its port is taken by something else.
require_free_port() {
  local component=$1 port=$2
  if port_in_use "$port"; then
    die "$component: port 127.0.0.1:$port is already in use ($(ss -Hltnp "sport = :$port" | awk '{print $NF}' | head -1)); \
stop that process or set AVIARY_PORT_${component^^}"
  fi
}

# Start time of a live process in clock ticks since boot (field 22 of /proc/PID/stat); with the pid
# it identifies the process even if the pid is later reused. Fails for a zombie (a component that
# died while `up`, its parent, still runs).
proc_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  awk '$1 == "Z" {exit 1} {print $20}' <<<"$stat"
}

pid_file() { echo "$PID_DIR/$1.pid"; }

# Prints the component's pid when it is running (the pid file names a live process with the
# recorded start time).
component_pid() {
  local file pid start
  file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  read -r pid start <"$file" || return 1
  [ -n "$pid" ] && [ "$(proc_start_time "$pid")" = "$start" ] || return 1
  echo "$pid"
}

component_running() { component_pid "$1" >/dev/null; }

# start_component NAME CMD...: runs CMD in a new session, output to logs/NAME.log (the previous
# run's log is kept as NAME.log.prev).
start_component() {
  local name=$1; shift
  local logfile=$LOG_DIR/$name.log pid
  mkdir -p "$LOG_DIR" "$PID_DIR"
  [ -f "$logfile" ] && mv -f "$logfile" "$logfile.prev"
  echo "# $(date -Is) $*" >"$logfile"
  # fd 9 is the cluster lock (hack/cluster.sh); a daemon holding it would block every later up/down.
  setsid "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid $(proc_start_time "$pid")" >"$(pid_file "$name")"
}

log_tail() {
  local logfile=$LOG_DIR/$1.log
  [ -f "$logfile" ] || return 0
  echo "---- last lines of $logfile ----" >&2
  tail -n "${2:-25}" "$logfile" >&2
  echo "----" >&2
}

# wait_until COMPONENT TIMEOUT_S DESCRIPTION CMD...: polls CMD every 0.25s. On timeout, or when the
# component's process died, prints its log tail and fails.
wait_until() {
  local component=$1 timeout=$2 what=$3; shift 3
  local began=$SECONDS deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! component_running "$component"; then
      log_tail "$component"
      die "$component exited while waiting for $what (log: $LOG_DIR/$component.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log_tail "$component"
      die "$component: $what not reached after ${timeout}s (log: $LOG_DIR/$component.log)"
    fi
    sleep 0.25
  done
  log "$component: $what ($((SECONDS - began))s)"
}

# Any process left in the component's process group (its leader may already be gone).
group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# TERM the component's process group, KILL it after STOP_TIMEOUT seconds. A pid whose process is
# someone else's (reused pid) is left alone: the group is ours only while our leader lives or, once
# it died, while its pid stays unreusable because the group still exists.
stop_component() {
  local name=$1 file pid="" start="" deadline
  file=$(pid_file "$name")
  [ -f "$file" ] || return 0
  read -r pid start <"$file" || true
  local live_start
  if live_start=$(proc_start_time "$pid") && [ "$live_start" != "$start" ]; then
    rm -f "$file"; return 0
  fi
  if [ -n "$pid" ] && group_alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    while group_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if group_alive "$pid"; then
      log "$name did not stop within ${STOP_TIMEOUT}s; killing it"
      kill -KILL -- "-$pid" 2>/dev/null || true
      while group_alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$file"
}

http_ok() { curl -fsS --max-time 2 -o /dev/null "$1"; }
