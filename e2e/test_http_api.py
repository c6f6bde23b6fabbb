"""The operator's HTTP API (docs/http-api.md) end to end: callers authenticate with a service-account
token (TokenReview), are authorized by RBAC (SubjectAccessReview), and their approval or request is
written with their own token, so the API server's RBAC and admission judge them as well."""
import http.client
import json
import socket
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from harness import ROOT, Operator, apply, free_port, get, kubectl, release_status, wait_for, wait_phase
from test_canary import release

APPROVAL_STEPS = [{"setWeight": 50}, {"approval": {}}, {"setWeight": 100}]
PAUSE_STEPS = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 100}]


def api_operator(namespace, *tls_args, scheme="http", tls_context=None):
    """An operator for the namespace serving the release API on a port of its own."""
    port = free_port()
    op = Operator(f"--api-addr=127.0.0.1:{port}", *tls_args, namespace=namespace)
    op.api_url = f"{scheme}://127.0.0.1:{port}"
    op.tls_context = tls_context
    wait_for("release API listening", lambda: port_open(port), timeout=10)
    return op


@pytest.fixture
def api(namespace):
    op = api_operator(namespace)
    yield op
    op.stop()


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def post(api, namespace, name, action, token=None, body=None):
    """(status, JSON answer) of POST /api/v1/namespaces/{namespace}/modelreleases/{name}/{action}."""
    url = f"{api.api_url}/api/v1/namespaces/{namespace}/modelreleases/{name}/{action}"
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else b""
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30, context=api.tls_context) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def service_account(namespace, name):
    """A ServiceAccount and a fresh token for it (TokenRequest), as a CI system would hold."""
    kubectl("create", "serviceaccount", name, "-n", namespace)
    return kubectl("create", "token", name, "-n", namespace, "--duration=10m").stdout.strip()


def sa_user(namespace, name):
    return f"system:serviceaccount:{namespace}:{name}"


def bind(namespace, binding, role_ref, sa, then_can, sa_namespace=None):
    """Binds the role in namespace to sa (of sa_namespace, default the same) and waits until the API
    server's authorizer, fed by informers, lets sa do then_can: a (verb, resource) pair."""
    sa_namespace = sa_namespace or namespace
    kind = "--clusterrole" if role_ref.startswith("aviary-") else "--role"
    kubectl("create", "rolebinding", binding, "-n", namespace, f"{kind}={role_ref}",
            f"--serviceaccount={sa_namespace}:{sa}")
    verb, resource = then_can
    wait_for(f"{sa} may {verb} {resource} in {namespace}", lambda: kubectl(
        "auth", "can-i", verb, resource, "-n", namespace, f"--as={sa_user(sa_namespace, sa)}",
        check=False).returncode == 0, timeout=10)


def release_manager(namespace, sa):
    """sa bound to the ClusterRole teams bind for approvers (manifests/rbac)."""
    kubectl("apply", "-f", f"{ROOT}/manifests/rbac/aviary-release-manager.yaml")
    bind(namespace, f"{sa}-manager", "aviary-release-manager", sa, ("approve", "modelreleases.aviary.dev"))


def role(namespace, name, rules):
    """A Role with these rules on aviary.dev resources: [(resources, verbs)]. Applied as YAML because
    `kubectl create role` refuses custom verbs such as approve."""
    apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": name},
           "rules": [{"apiGroups": ["aviary.dev"], "resources": res, "verbs": verbs} for res, verbs in rules]},
          namespace)


def rollout_at(namespace, name, steps, phase):
    apply(release(name, 1, steps), namespace)
    wait_phase(name, namespace, "Promoted")
    apply(release(name, 2, steps), namespace)
    return wait_phase(name, namespace, phase)


def test_a_missing_or_garbage_token_is_401(namespace, api):
    status, answer = post(api, namespace, "scorer", "approve")
    assert status == 401 and "missing bearer token" in answer["error"], answer
    status, answer = post(api, namespace, "scorer", "promote", token="garbage")
    assert status == 401 and answer["error"].startswith("invalid bearer token"), answer


def test_only_a_release_manager_approval_moves_the_release(namespace, api):
    rollout_at(namespace, "scorer", APPROVAL_STEPS, "AwaitingApproval")
    intruder = service_account(namespace, "intruder")
    status, answer = post(api, namespace, "scorer", "approve", intruder)
    assert status == 403, answer
    assert f"{sa_user(namespace, 'intruder')} may not approve modelreleases/scorer" in answer["error"], answer

    # RBAC grants the approve verb but not creating ReleaseApprovals: the operator's reviews pass, and the
    # API server refuses the write made with the caller's own token. The operator cannot create it for them.
    half = service_account(namespace, "half")
    role(namespace, "approve-only", [(["modelreleases"], ["approve"])])
    bind(namespace, "half-approve-only", "approve-only", "half", ("approve", "modelreleases.aviary.dev"))
    status, answer = post(api, namespace, "scorer", "approve", half)
    assert status == 403 and "releaseapprovals.aviary.dev is forbidden" in answer["error"], answer
    assert sa_user(namespace, "half") in answer["error"], answer
    assert not json.loads(kubectl("get", "releaseapprovals", "-n", namespace, "-o", "json").stdout)["items"]

    manager = service_account(namespace, "manager")
    release_manager(namespace, "manager")
    status, answer = post(api, namespace, "scorer", "approve", manager, {"comment": "from CI"})
    assert status == 202, answer
    assert answer["approvedBy"] == sa_user(namespace, "manager") and answer["decision"] == "approve", answer
    created = get("releaseapproval", answer["name"], namespace)
    assert created["spec"]["approvedBy"] == sa_user(namespace, "manager"), created
    assert created["spec"]["comment"] == "from CI" and created["spec"]["step"] == 1, created
    status = wait_phase("scorer", namespace, "Promoted")
    assert status["stableVersion"] == "2", status
    record = next(r for r in status["approvals"] if r["name"] == answer["name"])
    assert record["accepted"] and record["approvedBy"] == sa_user(namespace, "manager"), record

    status, answer = post(api, namespace, "scorer", "approve", manager)
    assert status == 409 and "not waiting for an approval (phase Promoted)" in answer["error"], answer


def test_a_rejection_rolls_the_canary_back(namespace, api):
    rollout_at(namespace, "ranker", APPROVAL_STEPS, "AwaitingApproval")
    manager = service_account(namespace, "manager")
    release_manager(namespace, "manager")
    status, answer = post(api, namespace, "ranker", "reject", manager, {"comment": "offline eval regressed"})
    assert status == 202 and answer["decision"] == "reject", answer
    status = wait_phase("ranker", namespace, "RolledBack")
    assert status["stableVersion"] == "1", status


def test_promote_and_abort_need_patch_on_the_release(namespace, api):
    rollout_at(namespace, "scorer", PAUSE_STEPS, "Paused")
    manager = service_account(namespace, "manager")
    release_manager(namespace, "manager")
    status, answer = post(api, namespace, "scorer", "promote", manager)
    assert status == 403 and "may not patch modelreleases/scorer" in answer["error"], answer

    deployer = service_account(namespace, "deployer")
    role(namespace, "release-operator", [(["modelreleases"], ["get", "patch"])])
    bind(namespace, "deployer-release-operator", "release-operator", "deployer", ("patch", "modelreleases.aviary.dev"))
    status, answer = post(api, namespace, "scorer", "promote", deployer)
    assert status == 202 and answer["request"] == "promote", answer
    assert answer["requestedBy"] == f"system:serviceaccount:{namespace}:deployer", answer
    annotations = get("modelrelease", "scorer", namespace)["metadata"].get("annotations", {})
    # The operator clears the annotations once the request is handled; it may already have.
    assert annotations.get("aviary.dev/request-id", answer["requestId"]) == answer["requestId"], annotations
    assert annotations.get("aviary.dev/requested-by", answer["requestedBy"]) == answer["requestedBy"], annotations
    status = wait_phase("scorer", namespace, "Promoted")
    assert status["stableVersion"] == "2" and status["lastHandledRequest"] == answer["requestId"], status

    apply(release("scorer", 3, PAUSE_STEPS), namespace)
    wait_phase("scorer", namespace, "Paused")
    status, answer = post(api, namespace, "scorer", "abort", deployer, {})
    assert status == 202 and answer["request"] == "abort", answer
    status = wait_phase("scorer", namespace, "RolledBack")
    assert status["stableVersion"] == "2", status

    # retry: the rolled back version the spec still names rolls out again (the dashboard's Retry button).
    status, answer = post(api, namespace, "scorer", "retry", deployer)
    assert status == 202 and answer["request"] == "retry", answer
    status = wait_phase("scorer", namespace, "Paused")
    assert status["canaryVersion"] == "3" and status["lastHandledRequest"] == answer["requestId"], status


def test_an_unknown_release_is_404(namespace, api):
    manager = service_account(namespace, "manager")
    release_manager(namespace, "manager")
    role(namespace, "release-operator", [(["modelreleases"], ["get", "patch"])])
    bind(namespace, "manager-release-operator", "release-operator", "manager", ("patch", "modelreleases.aviary.dev"))
    for action in ("approve", "promote", "abort"):
        status, answer = post(api, namespace, "ghost", action, manager)
        assert status == 404 and "not found" in answer["error"], (action, answer)
    # A namespace this operator does not serve, where the caller may approve.
    other = f"{namespace}-other"
    kubectl("create", "namespace", other)
    try:
        bind(other, "manager", "aviary-release-manager", "manager", ("approve", "modelreleases.aviary.dev"),
             sa_namespace=namespace)
        status, answer = post(api, other, "scorer", "approve", manager)
        assert status == 404 and f"serves namespace {namespace} only" in answer["error"], answer
    finally:
        kubectl("delete", "namespace", other, "--wait=false", check=False)


def test_the_api_speaks_https_with_a_certificate(namespace, tmp_path):
    cert, key = str(tmp_path / "api.crt"), str(tmp_path / "api.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    op = api_operator(namespace, f"--api-tls-cert={cert}", f"--api-tls-key={key}", scheme="https",
                      tls_context=ssl.create_default_context(cafile=cert))
    try:
        manager = service_account(namespace, "manager")
        release_manager(namespace, "manager")
        status, answer = post(op, namespace, "ghost", "approve", manager)
        assert status == 404 and "not found" in answer["error"], answer
        status, answer = post(op, namespace, "ghost", "approve")
        assert status == 401, answer
        plain = op.api_url.replace("https://", "http://")
        with pytest.raises((OSError, http.client.HTTPException)):  # no HTTP answer on the TLS port
            urllib.request.urlopen(urllib.request.Request(f"{plain}/api/v1/namespaces/{namespace}/modelreleases/x/abort",
                                                          data=b"", method="POST"), timeout=10)
    finally:
        op.stop()
