import os
import uuid

import pytest

from harness import Operator, kubectl


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("KUBECONFIG"):
        skip = pytest.mark.skip(reason="KUBECONFIG unset: run under hack/test.sh (hack/cluster.sh env)")
        for item in items:
            item.add_marker(skip)


@pytest.fixture
def namespace():
    name = "e2e-" + uuid.uuid4().hex[:8]
    kubectl("create", "namespace", name)
    yield name
    kubectl("delete", "namespace", name, "--wait=false", check=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report carries the last lines of its operator's log (CI shows only the report)."""
    outcome = yield
    report = outcome.get_result()
    op = item.funcargs.get("operator") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and isinstance(op, Operator):
        report.sections.append(("the operator's log, last 120 lines", op.tail(120)))


@pytest.fixture
def operator(namespace):
    op = Operator(namespace=namespace)
    yield op
    op.stop()
    if os.environ.get("AVIARY_E2E_SHOW_LOGS"):
        print(op.tail(200))
