#!/usr/bin/env python3
"""Checks crds/ against a real kube-apiserver: the CRDs install and become Established, every example
and valid fixture is accepted (server-side dry run, strict field validation), every invalid fixture is
rejected with an error naming the broken field, status round-trips through the status subresource
without pruning, the admission policy ties spec.approvedBy / spec.groups to the requesting user, and
the operator's RBAC grants what it needs and no more.

Needs KUBECONFIG and kubectl on PATH (`eval "$(hack/cluster.sh env)"`); exits 77 (ctest skip) without
KUBECONFIG. Uses only the standard library; kubectl does the YAML.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("AVIARY_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", "..", ".."))
NAMESPACE = "aviary-crd-test-%d" % os.getpid()
sys.path.insert(0, os.path.dirname(HERE))
from check_report import SKIP, check, exit_code, failures  # noqa: E402
CRDS = ["modelreleases.aviary.dev", "releaseapprovals.aviary.dev"]


def kubectl(*args, stdin=None, as_user=None, groups=()):
    """Runs kubectl; returns (exit code, stdout + stderr)."""
    cmd = ["kubectl"]
    if as_user:
        cmd += ["--as=" + as_user] + ["--as-group=" + g for g in groups]
    proc = subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def must(args, what, **kw):
    code, out = kubectl(*args, **kw)
    check(code == 0, what, out)
    return out


def parsed(out):
    """kubectl's JSON output, or {} when the command failed (already reported by must)."""
    try:
        return json.loads(out)
    except ValueError:
        return {}


def dropped(sent, stored, path):
    """Paths present in sent but not in stored (the server may add defaults, never remove)."""
    if isinstance(sent, dict) and isinstance(stored, dict):
        return [p for k, v in sent.items()
                for p in (dropped(v, stored[k], path + "." + k) if k in stored else [path + "." + k])]
    if isinstance(sent, list) and isinstance(stored, list) and len(sent) == len(stored):
        return [p for i, (a, b) in enumerate(zip(sent, stored)) for p in dropped(a, b, "%s[%d]" % (path, i))]
    return [] if sent == stored else [path]


def rel(path):
    return os.path.relpath(path, ROOT)


def yaml_documents(text):
    """Splits a YAML stream on '---' lines (enough for hand-written manifests)."""
    return [d for d in re.split(r"(?m)^---[ \t]*$", text) if d.strip()]


def example_model_releases():
    """(name, JSON) for every ModelRelease document in examples/*.yaml, namespace removed so each can
    be dry-run in the test namespace."""
    found = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml"))):
        for i, doc in enumerate(yaml_documents(open(path).read())):
            if not re.search(r"(?m)^kind:\s*ModelRelease\s*$", doc):
                continue
            code, out = kubectl("create", "--dry-run=client", "-o", "json", "-f", "-", stdin=doc)
            if code != 0:
                check(False, "%s document %d parses" % (rel(path), i + 1), out)
                continue
            obj = json.loads(out)
            obj["metadata"].pop("namespace", None)
            found.append(("%s document %d" % (rel(path), i + 1), json.dumps(obj)))
    return found


def expectations(path):
    return [m.strip() for m in re.findall(r"(?m)^# expect: (.+)$", open(path).read())]


def install_crds():
    must(["apply", "-f", os.path.join(ROOT, "crds")], "kubectl apply -f crds/")
    for crd in CRDS:
        must(["wait", "--for=condition=Established", "--timeout=60s", "crd/" + crd], crd + " is Established")


def check_accepted():
    dry = ["apply", "--dry-run=server", "--validate=strict", "-n", NAMESPACE]
    for path in sorted(glob.glob(os.path.join(HERE, "valid", "*.yaml"))):
        must(dry + ["-f", path], "accepts " + rel(path))
    examples = example_model_releases()
    if not examples:
        print("note  examples/ holds no ModelRelease yet")
    for name, obj in examples:
        must(dry + ["-f", "-"], "accepts " + name, stdin=obj)


def check_rejected():
    dry = ["apply", "--dry-run=server", "--validate=strict", "-n", NAMESPACE]
    paths = sorted(glob.glob(os.path.join(HERE, "invalid", "*.yaml")))
    check(len(paths) >= 9, "invalid/ holds the rule table (%d files)" % len(paths))
    for path in paths:
        expected = expectations(path)
        code, out = kubectl(*dry, "-f", path)
        missing = [e for e in expected if e not in out]
        check(code != 0 and expected and not missing,
              "rejects %s naming %s" % (rel(path), " / ".join(expected)),
              "exit %d, missing %s; kubectl said: %s" % (code, missing, out))


def check_defaults_and_status():
    """Creates releases for real: defaults land, and a full status survives the status subresource
    (a field missing from the status schema would be pruned silently, so compare what comes back)."""
    must(["apply", "-n", NAMESPACE, "-f", os.path.join(HERE, "valid", "istio-canary.yaml")],
         "creates istio-canary")
    spec = parsed(must(["get", "-n", NAMESPACE, "modelrelease", "istio-canary", "-o", "json"],
                       "reads istio-canary")).get("spec", {})
    canary = spec.get("strategy", {}).get("canary", {})
    check(spec.get("replicas") == 1 and canary.get("scaleDownDelay") == "30s",
          "schema defaults replicas=1 and scaleDownDelay=30s", json.dumps(spec))

    every_field = os.path.join(HERE, "valid", "canary-every-field.yaml")
    must(["apply", "-n", NAMESPACE, "-f", every_field], "creates every-field-canary")
    sent = parsed(must(["create", "--dry-run=client", "-o", "json", "-f", every_field], "reads the fixture"))
    stored = parsed(must(["get", "-n", NAMESPACE, "mrel", "every-field-canary", "-o", "json"], "reads it back"))
    lost = dropped(sent.get("spec", {}), stored.get("spec", {}), "spec")
    check(sent and not lost, "spec (template included) is stored unpruned", "dropped: %s" % lost)
    status_path = os.path.join(HERE, "valid", "status.json")
    must(["patch", "-n", NAMESPACE, "modelrelease", "every-field-canary", "--subresource=status",
          "--type=merge", "--patch-file", status_path], "writes a full status through /status")
    got = parsed(must(["get", "-n", NAMESPACE, "mrel", "every-field-canary", "-o", "json"],
                      "reads every-field-canary by its short name"))
    want = json.load(open(status_path))["status"]
    check(got.get("status") == want, "status round-trips unpruned",
          "sent %s\ngot  %s" % (json.dumps(want, sort_keys=True), json.dumps(got.get("status"), sort_keys=True)))
    code, out = kubectl("patch", "-n", NAMESPACE, "mrel", "every-field-canary", "--subresource=status",
                        "--type=merge", "-p", '{"status":{"phase":"Exploded"}}')
    check(code != 0 and "status.phase" in out, "rejects an unknown status.phase", out)
    out = must(["get", "-n", NAMESPACE, "mrel", "every-field-canary"], "prints columns")
    header = out.splitlines()[0].split()
    check(header == ["NAME", "PHASE", "STABLE", "CANARY", "WEIGHT", "STEP", "AGE"], "printer columns", out)


def approval(name, approved_by, groups=None, comment="ship it"):
    spec = {"release": "every-field-canary", "decision": "approve", "approvedBy": approved_by,
            "comment": comment, "revision": 1, "step": 4}
    if groups is not None:
        spec["groups"] = groups
    return json.dumps({"apiVersion": "aviary.dev/v1alpha1", "kind": "ReleaseApproval",
                       "metadata": {"name": name, "namespace": NAMESPACE}, "spec": spec})


def create_as_alice(name, approved_by, groups=None):
    return kubectl("create", "-f", "-", stdin=approval(name, approved_by, groups),
                   as_user="alice", groups=["release-managers"])


def wait_until_denied(name, approved_by, groups, message):
    """The policy and the RoleBinding take effect shortly after they are written: until then a create
    may pass (undo it and retry) or fail on RBAC (retry)."""
    deadline = time.monotonic() + 30
    while True:
        code, out = create_as_alice(name, approved_by, groups)
        if code != 0 and message in out:
            return True, out
        if code == 0:
            kubectl("delete", "-n", NAMESPACE, "releaseapproval", name, "--wait=false")
        if time.monotonic() > deadline:
            return False, out
        time.sleep(0.5)


def check_admission_policy():
    must(["apply", "-f", os.path.join(ROOT, "manifests", "rbac", "aviary-release-manager.yaml")],
         "installs ClusterRole aviary-release-manager")
    must(["create", "rolebinding", "-n", NAMESPACE, "alice-approves", "--clusterrole=aviary-release-manager",
          "--user=alice"], "binds alice to aviary-release-manager")

    ok, out = wait_until_denied("by-bob", "bob", None,
                                'spec.approvedBy must be the requesting user "alice", not "bob"')
    check(ok, "denies alice an approval claiming approvedBy bob", out)
    ok, out = wait_until_denied("foreign-group", "alice", ["release-managers", "admins"],
                                "not a member of: admins")
    check(ok, "denies alice an approval claiming a group she is not in", out)

    code, out = create_as_alice("by-alice", "alice", ["release-managers"])
    check(code == 0, "allows alice an approval with approvedBy alice and her own group", out)
    code, out = create_as_alice("by-alice-no-groups", "alice")
    check(code == 0, "allows alice an approval without groups", out)

    code, out = kubectl("create", "-f", "-", stdin=approval("bob-unbound", "bob"), as_user="bob")
    check(code != 0 and "forbidden" in out.lower() and "cannot create" in out,
          "RBAC denies bob, who holds no aviary-release-manager binding", out)

    code, out = kubectl("patch", "-n", NAMESPACE, "releaseapproval", "by-alice", "--type=merge",
                        "-p", '{"spec":{"comment":"edited"}}')
    check(code != 0 and "spec is immutable" in out, "rejects a change to an approval's spec", out)
    must(["patch", "-n", NAMESPACE, "releaseapproval", "by-alice", "--subresource=status", "--type=merge",
          "-p", '{"status":{"phase":"Accepted","message":"step 4 approved"}}'],
         "status of an approval stays writable (the policy covers CREATE of the main resource only)")
    out = must(["get", "-n", NAMESPACE, "releaseapproval", "by-alice"], "prints approval columns")
    check(out.splitlines()[0].split() == ["NAME", "RELEASE", "DECISION", "APPROVEDBY", "PHASE", "AGE"]
          and "Accepted" in out, "approval printer columns", out)


OPERATOR = "system:serviceaccount:aviary-system:aviary-operator"
# (verb, resource, namespace, allowed) for the operator's ServiceAccount: what it needs, and what
# least privilege keeps from it.
OPERATOR_ACCESS = [
    ("watch", "modelreleases.aviary.dev", "ml", True),
    ("get", "modelreleases.aviary.dev", "ml", True),
    # its status only: the HTTP API's promote/abort patches are made with the caller's token
    ("patch", "modelreleases.aviary.dev", "ml", False),
    ("update", "modelreleases.aviary.dev", "ml", False),
    ("patch", "modelreleases.aviary.dev/status", "ml", True),
    ("update", "modelreleases.aviary.dev/status", "ml", False),
    ("update", "modelreleases.aviary.dev/finalizers", "ml", True),
    ("watch", "releaseapprovals.aviary.dev", "ml", True),
    ("get", "releaseapprovals.aviary.dev", "ml", False),  # read through the informer only
    ("patch", "releaseapprovals.aviary.dev/status", "ml", True),
    ("create", "releaseapprovals.aviary.dev", "ml", False),
    ("delete", "modelreleases.aviary.dev", "ml", False),
    ("create", "deployments.apps", "ml", True),
    ("delete", "deployments.apps", "ml", True),
    ("update", "deployments.apps", "ml", False),  # changed by merge patch
    ("patch", "services", "ml", True),
    ("delete", "services", "ml", False),  # they go with their release (garbage collection)
    ("update", "httproutes.gateway.networking.k8s.io", "ml", True),
    ("patch", "httproutes.gateway.networking.k8s.io", "ml", False),
    ("delete", "httproutes.gateway.networking.k8s.io", "ml", False),
    ("update", "virtualservices.networking.istio.io", "ml", True),
    ("create", "events.events.k8s.io", "ml", True),
    ("get", "secrets", "ml", True),
    ("list", "secrets", "ml", False),
    ("create", "tokenreviews.authentication.k8s.io", None, True),
    ("create", "subjectaccessreviews.authorization.k8s.io", None, True),
    ("update", "leases.coordination.k8s.io", "aviary-system", True),
    ("watch", "leases.coordination.k8s.io", "aviary-system", False),
    ("update", "leases.coordination.k8s.io", "ml", False),
    ("create", "pods", "ml", False),
]


def check_operator_rbac():
    manifests = os.path.join(ROOT, "manifests")
    must(["apply", "-f", os.path.join(manifests, "namespace.yaml"), "-f", os.path.join(manifests, "rbac")],
         "installs manifests/namespace.yaml and manifests/rbac/")
    for verb, resource, namespace, allowed in OPERATOR_ACCESS:
        args = ["-n", namespace] if namespace else []
        resource_only, _, subresource = resource.partition("/")  # can-i reads "a/b" as resource/name
        if subresource:
            args.append("--subresource=" + subresource)
        code, out = kubectl("auth", "can-i", verb, resource_only, *args, "--as=" + OPERATOR)
        check((code == 0) == allowed, "operator %s %s %s%s" % ("may" if allowed else "may not", verb, resource,
                                                                " in " + namespace if namespace else ""), out)


def main():
    if not os.environ.get("KUBECONFIG"):
        print("skipped: KUBECONFIG is not set (eval \"$(hack/cluster.sh env)\" first)")
        return SKIP
    if not shutil.which("kubectl"):
        print("kubectl is not on PATH")
        return 1
    install_crds()
    if failures:
        return 1
    must(["create", "namespace", NAMESPACE], "creates namespace " + NAMESPACE)
    try:
        check_accepted()
        check_rejected()
        check_defaults_and_status()
        check_admission_policy()
        check_operator_rbac()
    finally:
        kubectl("delete", "namespace", NAMESPACE, "--wait=false")
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
