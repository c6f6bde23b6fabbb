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


@pytest.fixture
def operator(namespace):
    op = Operator(namespace=namespace)
    yield op
    op.stop()
    if os.environ.get("AVIARY_E2E_SHOW_LOGS"):
        print(op.tail(200))
