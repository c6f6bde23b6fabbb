#!/usr/bin/env python3
"""Checks charts/aviary: helm lint, helm template, helm package (symlinked CRDs resolved, byte-equal to
crds/), the rendering accepted by a real kube-apiserver (kubectl apply --dry-run=server), the plain
install (crds/ policy + manifests/) equal in content to the chart's default rendering, the optional
values (HTTP API with TLS, command gates, client rate limit) rendering their flags, ports and volumes, and
the namespace-scoped RBAC granting what the operator needs in its namespace and nothing elsewhere.

helm comes from hack/build-helm.sh (AVIARY_HELM overrides); without it the test is skipped (exit 77).
Without KUBECONFIG (`eval "$(hack/cluster.sh env)"`) only the offline checks run, then it skips.
Uses only the standard library: kubectl turns the YAML into JSON.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from check_report import SKIP, check, exit_code, failures  # noqa: E402

ROOT = os.environ.get("AVIARY_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CHART = os.path.join(ROOT, "charts", "aviary")
RELEASE, NAMESPACE = "aviary", "aviary-system"  # the plain install's names
# Labels only the chart sets (helm's bookkeeping); everything else must match the plain install.
CHART_ONLY_LABELS = {"helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/version",
                     "app.kubernetes.io/instance"}


def run(cmd, stdin=None):
    """Runs a command; returns (exit code, stdout, stderr)."""
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=180)
    return proc.returncode, proc.stdout, proc.stderr


def helm_binary():
    if os.environ.get("AVIARY_HELM"):
        return os.environ["AVIARY_HELM"]
    code, out, err = run([os.path.join(ROOT, "hack", "build-helm.sh"), "--print-bin"])
    return out.strip() if code == 0 else ""


def helm_template(helm, *args, release=RELEASE, namespace=NAMESPACE, chart=CHART):
    code, out, err = run([helm, "template", release, chart, "--namespace", namespace] + list(args))
    check(code == 0, ("helm template %s %s" % (release, " ".join(args))).rstrip(), err)
    return out


def json_documents(text):
    """kubectl -o json prints one object, a List, or several objects back to back."""
    decoder, objects, i = json.JSONDecoder(), [], 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return objects
        value, i = decoder.raw_decode(text, i)
        objects.extend(value.get("items", []) if value.get("kind") == "List" else [value])


def kubectl_objects(yaml_text, what):
    """The objects of a YAML stream as JSON, converted by kubectl without writing anything."""
    code, out, err = run(["kubectl", "create", "--dry-run=client", "-o", "json", "-f", "-"], stdin=yaml_text)
    return json_documents(out) if check(code == 0, "kubectl reads " + what, err) else []


# ------------------------------------------------------------------------------------------------
# Offline: CRDs from one source, lint, template, package.

def symlink_target(path):
    return os.path.realpath(path) if os.path.islink(path) else None


def check_single_source():
    """Every file under the chart's crds/ and files/ is a symlink into crds/ or manifests/, and every CRD
    in crds/ is in the chart: editing a copy in the chart is impossible, a new CRD cannot be forgotten."""
    sources = (os.path.join(ROOT, "crds") + os.sep, os.path.join(ROOT, "manifests") + os.sep)
    for path in sorted(glob.glob(os.path.join(CHART, "crds", "*")) + glob.glob(os.path.join(CHART, "files", "*"))):
        target = symlink_target(path)
        check(target is not None and target.startswith(sources) and os.path.isfile(target),
              "%s is a symlink into crds/ or manifests/" % os.path.relpath(path, ROOT),
              "it is %s" % (target or "a regular file (a copy that can drift)"))
    for crd in sorted(glob.glob(os.path.join(ROOT, "crds", "*.yaml"))):
        with open(crd) as f:
            if not re.search(r"(?m)^kind: CustomResourceDefinition$", f.read()):
                continue
        in_chart = os.path.join(CHART, "crds", os.path.basename(crd))
        check(symlink_target(in_chart) == os.path.realpath(crd), "the chart installs crds/%s" % os.path.basename(crd),
              "add: ln -s ../../../crds/%s charts/aviary/crds/" % os.path.basename(crd))


def check_lint(helm):
    for values in ([], ["--set", "watchNamespace=ml"]):
        code, out, err = run([helm, "lint", "--strict", CHART, "--namespace", NAMESPACE] + values)
        check(code == 0 and "0 chart(s) failed" in out, ("helm lint --strict " + " ".join(values)).rstrip(), out + err)


def check_package(helm, workdir):
    """helm package follows the symlinks: the packaged chart holds the very bytes of crds/ and manifests/,
    and renders exactly as the chart directory does."""
    code, out, err = run([helm, "package", CHART, "--destination", workdir])
    if not check(code == 0, "helm package", out + err):
        return
    package = glob.glob(os.path.join(workdir, "aviary-*.tgz"))[0]
    with tarfile.open(package) as tar:
        members = {m.name: m for m in tar.getmembers()}
        for path in sorted(glob.glob(os.path.join(CHART, "crds", "*")) + glob.glob(os.path.join(CHART, "files", "*"))):
            name = "aviary/" + os.path.relpath(path, CHART)
            member = members.get(name)
            packaged = tar.extractfile(member).read() if member and member.isfile() else None
            with open(path, "rb") as f:
                check(packaged == f.read(), "the package holds %s as a file equal to its source" % name)
    check(helm_template(helm, "--include-crds", chart=package) == helm_template(helm, "--include-crds"),
          "the package renders as the chart directory does")


def check_rendering_rules(helm):
    code, out, err = run([helm, "template", RELEASE, CHART, "--set", "replicas=2", "--set", "leaderElection.enabled=false"])
    check(code != 0 and "needs leaderElection.enabled" in err, "replicas > 1 without leader election is refused", out + err)
    code, out, err = run([helm, "template", RELEASE, CHART, "--set", "healthAddr=localhost"])
    check(code != 0 and "must end with :PORT" in err, "a healthAddr without a port is refused", out + err)
    rendered = helm_template(helm, "--set", "healthAddr=0.0.0.0:9102", "--set", "extraArgs={--workers,4}")
    check("containerPort: 9102" in rendered and '- "0.0.0.0:9102"' in rendered and '- "--workers"\n            - "4"' in rendered,
          "healthAddr sets the container port; extraArgs are appended", rendered)
    for port, message in (("8080", "is healthAddr's port"), ("70000", "must be a port number"), ("http", "must be a port number")):
        code, out, err = run([helm, "template", RELEASE, CHART, "--set", "api.enabled=true", "--set", "api.port=" + port])
        check(code != 0 and message in err, "api.port=%s is refused (%s)" % (port, message), out + err)
    code, out, err = run([helm, "template", RELEASE, CHART, "--set", "dashboard.enabled=true"])
    check(code != 0 and "dashboard.enabled needs api.enabled" in err, "dashboard.enabled without the API is refused", out + err)


# ------------------------------------------------------------------------------------------------
# Against the API server.

def dry_run_server(yaml_text, what):
    code, out, err = run(["kubectl", "apply", "--dry-run=server", "-f", "-"], stdin=yaml_text)
    check(code == 0, "the API server accepts %s (apply --dry-run=server)" % what, out + err)


def normalized(obj):
    """An object as a comparable value: helm's bookkeeping labels dropped, RBAC rules as sets."""
    obj = json.loads(json.dumps(obj))
    for meta in (obj.get("metadata", {}), obj.get("spec", {}).get("template", {}).get("metadata", {})):
        labels = {k: v for k, v in meta.get("labels", {}).items() if k not in CHART_ONLY_LABELS}
        meta.pop("labels", None)
        if labels:
            meta["labels"] = labels
        meta.pop("creationTimestamp", None)
    if "rules" in obj:
        obj["rules"] = sorted(json.dumps({k: sorted(v) if isinstance(v, list) else v for k, v in rule.items()},
                                         sort_keys=True) for rule in obj["rules"])
    return obj


def by_identity(objects):
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): normalized(o) for o in objects}


def differences(a, b, path=""):
    """Paths where two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in sorted(set(a) | set(b))
                for p in ([path + "." + k] if (k in a) != (k in b) else differences(a[k], b[k], path + "." + k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in differences(x, y, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: %s != %s" % (path, json.dumps(a), json.dumps(b))]


def plain_install_yaml():
    paths = sorted(glob.glob(os.path.join(ROOT, "crds", "*-admission-policy.yaml")))
    paths += sorted(glob.glob(os.path.join(ROOT, "manifests", "**", "*.yaml"), recursive=True))
    return "\n---\n".join(open(p).read() for p in paths)


def check_default_rendering(helm):
    chart_yaml = helm_template(helm)
    code, out = kubectl("apply", "-f", os.path.join(ROOT, "manifests", "namespace.yaml"))
    check(code == 0, "namespace %s exists (a dry run cannot create it for the objects in it)" % NAMESPACE, out)
    dry_run_server(helm_template(helm, "--include-crds"), "the chart's default rendering with its CRDs")
    dry_run_server(plain_install_yaml(), "the plain install")
    chart = by_identity(kubectl_objects(chart_yaml, "the chart's rendering"))
    plain = {k: v for k, v in by_identity(kubectl_objects(plain_install_yaml(), "the plain install")).items()
             if k[0] != "Namespace"}  # helm install --create-namespace makes that one
    check(bool(chart) and sorted(chart) == sorted(plain), "the chart and manifests/ hold the same objects",
          "only in the chart: %s\nonly in manifests/: %s" % (sorted(set(chart) - set(plain)), sorted(set(plain) - set(chart))))
    for key in sorted(set(chart) & set(plain)):
        diff = differences(plain[key], chart[key])
        check(not diff, "%s %s: manifests/ equals the chart's default" % (key[0], "/".join(filter(None, key[1:]))),
              "manifests/ != chart at:\n" + "\n".join(diff))


# Every optional feature the chart exposes as a value, and the flags, ports and volumes it must render.
API_VALUES = ["--set", "api.enabled=true", "--set", "api.port=9443", "--set", "api.tls.secretName=aviary-api-tls",
              "--set", "enableCommandGates=true", "--set", "workers=4", "--set", "measurementWorkers=8",
              "--set", "wokenWorkers=0",
              "--set", "kubeClient.qps=20", "--set", "kubeClient.burst=40"]
API_ARGS = ["--api-addr", "0.0.0.0:9443", "--api-tls-cert", "/etc/aviary/api-tls/tls.crt",
            "--api-tls-key", "/etc/aviary/api-tls/tls.key", "--enable-command-gates",
            "--workers", "4", "--measurement-workers", "8", "--woken-workers", "0", "--kube-qps", "20", "--kube-burst", "40"]


def operator_objects(helm, *values):
    """The Deployment's container and pod spec, and the Services by name, of the chart rendered with values."""
    objects = kubectl_objects(helm_template(helm, *values), "the chart rendered with " + (" ".join(values) or "defaults"))
    deployments = [o for o in objects if o["kind"] == "Deployment"]
    if not check(len(deployments) == 1, "one Deployment rendered with " + (" ".join(values) or "defaults")):
        return {}, {}, {}
    pod = deployments[0]["spec"]["template"]["spec"]
    services = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "Service"}
    return pod["containers"][0], pod, services


def check_api_and_client_values(helm):
    """api.*, enableCommandGates, workers, measurementWorkers, wokenWorkers and kubeClient.* render their flags after the default ones, the port named
    api in the container and a Service, the TLS Secret mounted where the flags point; the API server
    accepts the result. Each value alone renders only its own part."""
    default_container, default_pod, default_services = operator_objects(helm)
    container, pod, services = operator_objects(helm, *API_VALUES)
    if not (default_container and container):
        return
    check(container["args"] == default_container["args"] + API_ARGS,
          "api, enableCommandGates, workers, measurementWorkers, wokenWorkers and kubeClient values render their flags after the default ones",
          "args: %s" % container["args"])
    check({"name": "api", "containerPort": 9443} in container["ports"], "the container has the port api 9443",
          json.dumps(container["ports"]))
    api_service = services.get("aviary-operator-api", {})
    check([(p.get("name"), p.get("port"), p.get("targetPort")) for p in api_service.get("ports", [])] == [("api", 9443, "api")]
          and api_service.get("selector") == default_services["aviary-operator-metrics"]["selector"],
          "the Service aviary-operator-api sends port api 9443 to the operator's pods", json.dumps(api_service))
    mount = {"name": "api-tls", "mountPath": "/etc/aviary/api-tls", "readOnly": True}
    check(mount in container["volumeMounts"], "the TLS Secret is mounted read-only at /etc/aviary/api-tls",
          json.dumps(container["volumeMounts"]))
    volume = {"name": "api-tls", "secret": {"secretName": "aviary-api-tls", "items": [
        {"key": "tls.crt", "path": "tls.crt"}, {"key": "tls.key", "path": "tls.key"}]}}
    check(volume in pod["volumes"], "the volume api-tls is the Secret's tls.crt and tls.key", json.dumps(pod["volumes"]))
    flag_paths = [container["args"][container["args"].index(f) + 1] for f in ("--api-tls-cert", "--api-tls-key")]
    check(flag_paths == [mount["mountPath"] + "/" + item["path"] for item in volume["secret"]["items"]],
          "--api-tls-cert and --api-tls-key name the mounted files", json.dumps(flag_paths))
    dry_run_server(helm_template(helm, *API_VALUES), "the chart rendered with " + " ".join(API_VALUES[1::2]))

    container, pod, services = operator_objects(helm, "--set", "api.enabled=true")
    check(container.get("args") == default_container["args"] + ["--api-addr", "0.0.0.0:8443"]
          and pod.get("volumes") == default_pod["volumes"] and "aviary-operator-api" in services,
          "api.enabled alone: plain HTTP on 8443 (no TLS flags or volume), the api Service", json.dumps(container.get("args")))
    container, pod, services = operator_objects(helm, "--set", "api.tls.secretName=aviary-api-tls",
                                                "--set", "kubeClient.qps=0", "--set", "healthAddr=[::]:8080")
    check(container.get("args") == default_container["args"][:-1] + ["[::]:8080", "--kube-qps", "0"]
          and pod.get("volumes") == default_pod["volumes"] and "aviary-operator-api" not in services,
          "without api.enabled no API, TLS or Service; kubeClient.qps=0 renders --kube-qps 0 alone",
          json.dumps(container.get("args")))
    container, pod, services = operator_objects(helm, "--set", "api.enabled=true", "--set", "healthAddr=[::]:8080")
    check(container.get("args", [])[-2:] == ["--api-addr", "[::]:8443"], "the API listens on healthAddr's host",
          json.dumps(container.get("args")))
    container, pod, services = operator_objects(helm, "--set", "api.enabled=true", "--set", "dashboard.enabled=true")
    check(container.get("args") == default_container["args"] + ["--api-addr", "0.0.0.0:8443", "--dashboard"],
          "dashboard.enabled adds --dashboard after the API's flags", json.dumps(container.get("args")))


def check_egress_values(helm):
    """egress.* render --egress-allow/--egress-deny as comma-joined lists and --egress-loopback after the
    default flags; the defaults render none of them."""
    default_container, _, _ = operator_objects(helm)
    check(not any(a.startswith("--egress") for a in default_container.get("args", [])),
          "the default rendering passes no --egress flag", json.dumps(default_container.get("args")))
    container, _, _ = operator_objects(helm, "--set", "egress.allow={10.0.0.0/8,*.example.com}",
                                       "--set", "egress.deny={10.1.0.0/16}", "--set", "egress.loopback=deny")
    check(container.get("args") == default_container.get("args", []) + [
              "--egress-allow", "10.0.0.0/8,*.example.com", "--egress-deny", "10.1.0.0/16", "--egress-loopback", "deny"],
          "egress values render their flags", json.dumps(container.get("args")))


def kubectl(*args):
    code, out, err = run(["kubectl"] + list(args))
    return code, out + err


def check_namespace_scope(helm):
    """watchNamespace: the operator may act in that namespace only, and still create reviews."""
    suffix = str(os.getpid())
    release, home, watched, other = "chart-test-" + suffix, "aviary-chart-home-" + suffix, \
        "aviary-chart-watched-" + suffix, "aviary-chart-other-" + suffix
    values = ["--set", "watchNamespace=" + watched, "--set", "releaseManager.create=false",
              "--set", "admissionPolicy.create=false"]
    full = helm_template(helm, *values, release=release, namespace=home)
    check("- --namespace\n            - " + watched in full, "watchNamespace is passed as --namespace")
    rbac = helm_template(helm, *values, "--show-only", "templates/rbac.yaml", "--show-only",
                         "templates/serviceaccount.yaml", release=release, namespace=home)
    for ns in (home, watched, other):
        kubectl("create", "namespace", ns)
    try:
        dry_run_server(full, "the chart rendered with watchNamespace")
        code, out, err = run(["kubectl", "apply", "-f", "-"], stdin=rbac)
        if not check(code == 0, "installs the namespace-scoped RBAC", out + err):
            return
        operator = "system:serviceaccount:%s:%s-aviary-operator" % (home, release)
        expected = [
            ("patch", "deployments.apps", watched, True),
            ("patch", "deployments.apps", other, False),
            ("watch", "modelreleases.aviary.dev", watched, True),
            ("patch", "modelreleases.aviary.dev", watched, False),  # its status only
            ("list", "modelreleases.aviary.dev", None, False),  # not cluster-wide
            ("get", "secrets", watched, True),
            ("get", "secrets", other, False),
            ("create", "tokenreviews.authentication.k8s.io", None, True),
            ("create", "subjectaccessreviews.authorization.k8s.io", None, True),
            ("update", "leases.coordination.k8s.io", home, True),
            ("update", "leases.coordination.k8s.io", watched, False),
        ]
        for verb, resource, ns, allowed in expected:
            code, out = kubectl("auth", "can-i", verb, resource, "--as=" + operator,
                                *(["-n", ns] if ns else ["--all-namespaces"]))
            check((code == 0) == allowed, "namespace-scoped operator %s %s %s" % (
                "may" if allowed else "may not", verb, resource + (" in " + ns if ns else " cluster-wide")), out)
    finally:
        kubectl("delete", "clusterrole,clusterrolebinding", "-l", "app.kubernetes.io/instance=" + release,
                "--ignore-not-found")
        for ns in (home, watched, other):
            kubectl("delete", "namespace", ns, "--wait=false")


def main():
    helm = helm_binary()
    if not (helm and os.access(helm, os.X_OK)):
        print("skipped: helm is not built (hack/build-helm.sh builds it; hack/setup.sh runs that)")
        return SKIP
    check_single_source()
    check_lint(helm)
    with tempfile.TemporaryDirectory() as workdir:
        check_package(helm, workdir)
    check_rendering_rules(helm)
    if not os.environ.get("KUBECONFIG"):
        if failures:
            return exit_code()
        print("skipped: the API server checks need KUBECONFIG (eval \"$(hack/cluster.sh env)\" first)")
        return SKIP
    check_default_rendering(helm)
    check_api_and_client_values(helm)
    check_egress_values(helm)
    check_namespace_scope(helm)
    return exit_code()


if __name__ == "__main__":
    sys.exit(main())
