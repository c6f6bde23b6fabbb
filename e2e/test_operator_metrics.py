"""The live operator's /metrics: Prometheus' own parser accepts it, and the client and queue series are
truthful (requests counted by verb and code, the queue drained once the release settles)."""
import re
import shutil
import subprocess

import pytest

from harness import apply, wait_for, wait_outcome, wait_phase
from test_canary import release

SAMPLE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$')


def samples(text, name):
    """{labels-text: value} of one metric name."""
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m and m["name"] == name:
            out[m["labels"] or ""] = float(m["value"])
    return out


def test_live_metrics_parse_and_count_kube_requests_and_queue_depth(namespace, operator):
    if not shutil.which("promtool"):
        pytest.skip("promtool not installed: run hack/setup.sh")
    steps = [{"setWeight": 50}, {"setWeight": 100}]
    apply(release("counter", 1, steps), namespace)
    wait_phase("counter", namespace, "Promoted")
    apply(release("counter", 2, steps), namespace)
    status = wait_outcome("counter", namespace, 2)
    assert status["phase"] == "Promoted", status

    text = operator.metrics()
    check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr

    requests = samples(text, "aviary_kube_requests_total")
    assert requests.get('verb="LIST",code="200"', 0) >= 4, requests  # the informers' first lists
    writes = sum(v for k, v in requests.items() if re.match(r'verb="(POST|PUT|PATCH)",code="2\d\d"', k))
    assert writes >= 4, requests  # Deployments, Services, status
    assert all(re.fullmatch(r'verb="(GET|LIST|WATCH|POST|PUT|PATCH|DELETE)",code="\d+"', k) for k in requests), requests

    promotions = samples(text, "aviary_promotions_total")
    assert promotions.get(f'namespace="{namespace}",release="counter"', 0) >= 1, promotions
    # The queue is empty once nothing changes; the gauge follows it down (it used to keep its last value).
    wait_for("aviary_workqueue_depth 0",
             lambda: samples(operator.metrics(), "aviary_workqueue_depth").get("") == 0, timeout=30)
