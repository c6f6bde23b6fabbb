"""The release dashboard (docs/dashboard.md) in a real browser: headless Chromium from Debian driven by
Selenium, against the operator's --api-addr listener with --dashboard on the local cluster. Users log in
with ServiceAccount tokens (`kubectl create token`), so the API server's TokenReview and RBAC decide
what each one sees and may do.

Screenshots go to $AVIARY_E2E_ARTIFACTS (default: <build dir>/e2e-artifacts/dashboard); with
AVIARY_DASHBOARD_DOCS_IMAGES=1 they are copied to docs/images/, which is where the docs' come from."""
import json
import os
import re
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import ROOT, apply, aviary_binary, get, kubectl, release_status, set_behaviour, wait_for, wait_phase
from test_canary import http_route, release
from test_cli import user_kubeconfig
from test_gates import error_rate_gate
from test_http_api import api_operator, bind, post, release_manager, role, sa_user, service_account
from test_registry import MLFLOW, register, version_tags

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
GATED_STEPS = [{"setWeight": 20}, {"analysis": {"gates": ["error-rate"]}}, {"setWeight": 50}, {"approval": {}},
               {"setWeight": 100}]


def artifacts_dir():
    default = os.path.join(os.environ.get("AVIARY_BUILD_DIR", os.path.join(ROOT, "build")), "e2e-artifacts", "dashboard")
    path = os.environ.get("AVIARY_E2E_ARTIFACTS", default)
    os.makedirs(path, exist_ok=True)
    return path


def screenshot(driver, name):
    """Saves the page as a test artifact (and as the docs' image when asked)."""
    path = os.path.join(artifacts_dir(), name)
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], min(max(height, size["height"]), 3000))  # the whole page
    driver.save_screenshot(path)
    driver.set_window_size(size["width"], size["height"])
    if os.environ.get("AVIARY_DASHBOARD_DOCS_IMAGES") == "1":
        shutil.copy(path, os.path.join(ROOT, "docs", "images", name))
    return path


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations land in the console
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def dashboard_operator(namespace=None):
    """An operator serving the release API and the dashboard on a port of its own; url is the page's."""
    op = api_operator(namespace, "--dashboard")
    op.url = op.api_url
    return op


@pytest.fixture
def dashboard(namespace):
    op = dashboard_operator(namespace)
    yield op
    op.stop()


def until(driver, what, predicate, timeout=60):
    """Waits for predicate(driver) in the page, as a person watching it would (no reload)."""
    try:
        # The page re-renders as updates arrive: an element read mid-render is simply read again.
        return WebDriverWait(driver, timeout, poll_frequency=0.2,
                             ignored_exceptions=[StaleElementReferenceException]).until(lambda d: predicate(d))
    except Exception as e:
        raise AssertionError(f"timed out waiting for {what}; page shows: {page_text(driver)[:1500]}") from e


def page_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def visible(driver, element_id):
    return driver.find_element(By.ID, element_id).is_displayed()


def log_in(driver, url, token):
    driver.get(url + "/")
    until(driver, "the login page", lambda d: visible(d, "login"), timeout=10)
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.ID, "login-button").click()


def open_release(driver, url, namespace, name):
    driver.get(f"{url}/#/releases/{namespace}/{name}")
    until(driver, f"the page of {namespace}/{name}",
          lambda d: visible(d, "detail") and text_of(d, "release-name") == f"{namespace}/{name}", timeout=15)


def action_buttons(driver):
    return [b.get_attribute("data-action") for b in driver.find_elements(By.CSS_SELECTOR, "#action-buttons button")]


def current_step(driver):
    steps = driver.find_elements(By.CSS_SELECTOR, "#steps li.current")
    return steps[0].text if steps else ""


def list_rows(driver):
    return [r.get_attribute("data-release") for r in driver.find_elements(By.CSS_SELECTOR, "#releases tbody tr")]


def gated(name, version, registry=None):
    spec = {"analysis": {"interval": "3s", "gates": [error_rate_gate()]}}
    if registry:
        spec["registry"] = {"mlflow": {"url": registry}}
    r = release(name, version, GATED_STEPS, {"gatewayAPI": {"httpRoute": name}}, **spec)
    return r


def promoted_gated_release(namespace, name, registry=None):
    apply(http_route(name, [f"{name}-stable"]), namespace)
    apply(gated(name, 1, registry), namespace)
    wait_phase(name, namespace, "Promoted")


def reader(namespace, sa):
    """sa may read releases in namespace and nothing else."""
    role(namespace, "release-reader", [(["modelreleases"], ["get", "list", "watch"])])
    bind(namespace, f"{sa}-reader", "release-reader", sa, ("list", "modelreleases.aviary.dev"))


def test_a_release_manager_watches_a_canary_advance_and_approves_it(namespace, dashboard, browser):
    model = "dash-" + uuid.uuid4().hex[:6]
    register(model, [1, 2])
    promoted_gated_release(namespace, model, MLFLOW)
    alice = service_account(namespace, "alice")
    release_manager(namespace, "alice")

    log_in(browser, dashboard.url, alice)
    until(browser, "the release in the list", lambda d: f"{namespace}/{model}" in list_rows(d), timeout=15)
    assert text_of(browser, "who") == sa_user(namespace, "alice")
    assert browser.execute_script("return document.cookie") == "", "the dashboard sets no cookie"
    assert browser.execute_script("return sessionStorage.getItem('aviary.token')") == alice
    open_release(browser, dashboard.url, namespace, model)
    assert text_of(browser, "phase") == "Promoted"

    apply(gated(model, 2, MLFLOW), namespace)
    # The page follows the rollout live: each step becomes current in turn, without a reload.
    seen = []

    def advanced(d):
        step = current_step(d)
        if step and (not seen or seen[-1] != step):
            seen.append(step)
        return text_of(d, "phase") == "AwaitingApproval" and step.startswith("4.")
    until(browser, "the canary to reach its approval step", advanced, timeout=120)
    assert any(s.startswith("2. analysis") for s in seen) and len(seen) >= 2, seen
    assert text_of(browser, "fact-weight") == "50%"
    until(browser, "the gate chart with its measurements",
          lambda d: d.find_elements(By.CSS_SELECTOR, ".gate-chart[data-gate='error-rate'] svg circle"), timeout=10)
    assert "max 0.05" in browser.find_element(By.ID, "gates").text
    query = browser.find_element(By.CSS_SELECTOR, "#gates a").get_attribute("href")
    assert query.startswith(os.environ.get("AVIARY_PROMETHEUS_URL", "http://127.0.0.1:9090") + "/graph?g0.expr="), query
    mlflow_link = browser.find_element(By.CSS_SELECTOR, "#links a").get_attribute("href")
    assert mlflow_link == f"{MLFLOW}/#/models/{model}/versions/2", mlflow_link
    until(browser, "the approve button", lambda d: action_buttons(d) == ["approve", "reject"], timeout=5)
    screenshot(browser, "dashboard-canary.png")

    browser.find_element(By.ID, "comment").send_keys("gate is green, shipping")
    browser.find_element(By.CSS_SELECTOR, "#action-buttons button[data-action='approve']").click()
    until(browser, "the approval accepted", lambda d: "accepted" in text_of(d, "action-result"), timeout=15)
    wait_phase(model, namespace, "Promoted")
    # Live within 2 s of the status change (the informer feeds the long poll).
    until(browser, "Promoted on the page", lambda d: text_of(d, "phase") == "Promoted", timeout=2)
    status = release_status(model, namespace)
    approval = next(a for a in status["approvals"] if a["accepted"])
    assert approval["approvedBy"] == sa_user(namespace, "alice") and approval["comment"] == "gate is green, shipping"
    until(browser, "the approval in the table", lambda d: sa_user(namespace, "alice") in text_of(d, "approvals"), timeout=5)
    tags = wait_for("approval tags in MLflow",
                    lambda: (lambda t: t if t.get("aviary.approved_by") else None)(version_tags(model, 2)))
    assert tags["aviary.approved_by"] == sa_user(namespace, "alice"), tags
    assert action_buttons(browser) == [], "nothing left to approve"
    refused = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused


def test_a_read_only_user_sees_the_evidence_but_cannot_act(namespace, dashboard, browser):
    promoted_gated_release(namespace, "fraud")
    promoted_gated_release(namespace, "churn")
    apply(release("ranker", 1, [{"setWeight": 50}, {"setWeight": 100}]), namespace)
    set_behaviour(namespace, "churn", "2", errorRate=0.3)
    apply(gated("fraud", 2), namespace)
    apply(gated("churn", 2), namespace)
    wait_phase("churn", namespace, "RolledBack", timeout=120)
    wait_phase("fraud", namespace, "AwaitingApproval", timeout=120)
    wait_phase("ranker", namespace, "Promoted")
    rita = service_account(namespace, "rita")
    reader(namespace, "rita")

    log_in(browser, dashboard.url, rita)
    until(browser, "three releases", lambda d: len(list_rows(d)) == 3, timeout=15)
    assert set(list_rows(browser)) == {f"{namespace}/{n}" for n in ("fraud", "churn", "ranker")}
    churn_row = browser.find_element(By.CSS_SELECTOR, f"#releases tr[data-release='{namespace}/churn']").text
    assert "RolledBack" in churn_row and "error-rate: Fail" in churn_row, churn_row
    Select(browser.find_element(By.ID, "filter-phase")).select_by_value("RolledBack")
    until(browser, "the phase filter", lambda d: list_rows(d) == [f"{namespace}/churn"], timeout=5)
    Select(browser.find_element(By.ID, "filter-phase")).select_by_value("")
    browser.find_element(By.ID, "filter-model").send_keys("rank")
    until(browser, "the model filter", lambda d: list_rows(d) == [f"{namespace}/ranker"], timeout=5)
    browser.find_element(By.ID, "filter-model").send_keys(Keys.BACKSPACE * 4)
    until(browser, "the filters cleared", lambda d: len(list_rows(d)) == 3, timeout=5)
    screenshot(browser, "dashboard-list.png")

    open_release(browser, dashboard.url, namespace, "fraud")
    until(browser, "the gate chart", lambda d: d.find_elements(By.CSS_SELECTOR, ".gate-chart svg circle"), timeout=10)
    assert text_of(browser, "phase") == "AwaitingApproval"
    assert action_buttons(browser) == [] and not visible(browser, "actions"), "a reader gets no button"

    open_release(browser, dashboard.url, namespace, "churn")
    until(browser, "the failed measurements", lambda d: d.find_elements(By.CSS_SELECTOR, ".gate-chart svg circle.point-Fail"),
          timeout=10)
    assert text_of(browser, "phase") == "RolledBack"
    assert action_buttons(browser) == []
    screenshot(browser, "dashboard-rolled-back.png")

    # Her token, the API directly: refused, and nothing changed.
    for action, body in (("approve", {"comment": "forged"}), ("promote", {"full": True}), ("abort", {})):
        status, answer = post(dashboard, namespace, "fraud", action, rita, body)
        assert status == 403, (action, answer)
        assert f"{sa_user(namespace, 'rita')} may not" in answer["error"], answer
    assert not json.loads(kubectl("get", "releaseapprovals", "-n", namespace, "-o", "json").stdout)["items"]
    fraud = get("modelrelease", "fraud", namespace)
    assert "aviary.dev/request" not in fraud["metadata"].get("annotations", {}), fraud["metadata"]
    assert fraud["status"]["phase"] == "AwaitingApproval"


def test_namespaces_the_user_may_not_list_stay_hidden_and_a_bad_token_gets_the_login_page(namespace, browser):
    other = f"{namespace}-other"
    kubectl("create", "namespace", other)
    op = dashboard_operator()  # every namespace: the list is filtered per user, not per operator
    try:
        apply(release("visible", 1, [{"setWeight": 100}]), namespace)
        apply(release("hidden", 1, [{"setWeight": 100}]), other)
        wait_phase("visible", namespace, "Promoted")
        wait_phase("hidden", other, "Promoted")
        olga = service_account(namespace, "olga")
        reader(namespace, "olga")

        log_in(browser, op.url, olga)
        until(browser, "her namespace's release", lambda d: f"{namespace}/visible" in list_rows(d), timeout=15)
        assert f"{other}/hidden" not in list_rows(browser)
        options = [o.text for o in browser.find_elements(By.CSS_SELECTOR, "#filter-namespace option")]
        assert other not in options, options
        browser.get(f"{op.url}/#/releases/{other}/hidden")
        until(browser, "a refusal", lambda d: "may not get modelreleases/hidden" in text_of(d, "error"), timeout=10)
        assert "Promoted" not in text_of(browser, "phase")

        # A token the API server rejects: back to the login page, token gone.
        browser.execute_script("sessionStorage.setItem('aviary.token', 'not-a-token')")
        browser.refresh()
        until(browser, "the login page", lambda d: visible(d, "login") and "refused" in text_of(d, "login-error"), timeout=10)
        assert browser.execute_script("return sessionStorage.getItem('aviary.token')") is None
        browser.find_element(By.ID, "token").send_keys("garbage")
        browser.find_element(By.ID, "login-button").click()
        until(browser, "the login page again", lambda d: visible(d, "login") and "invalid bearer token" in text_of(d, "login-error"),
              timeout=10)
        assert not visible(browser, "list")
    finally:
        op.stop()
        kubectl("delete", "namespace", other, "--wait=false", check=False)


def test_the_page_is_locked_down(namespace, dashboard):
    with urllib.request.urlopen(dashboard.url + "/", timeout=5) as r:
        page = r.read().decode()
        csp = r.headers["Content-Security-Policy"]
        assert r.headers.get("Set-Cookie") is None
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, csp
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"
    assert not re.search(r"(src|href)=\"https?://", page), "nothing from elsewhere"
    try:
        urllib.request.urlopen(dashboard.url + "/api/v1/dashboard/releases", timeout=5)
        raise AssertionError("an anonymous read was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 401


def local_dashboard(*args):
    """`aviary dashboard --port 0 ARGS…` running: (process, its user, base URL, session token)."""
    proc = subprocess.Popen([aviary_binary(), "dashboard", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline() for _ in range(2)]
    match = re.match(r"Open (http://127\.0\.0\.1:(\d+)/)#token=([0-9a-f]{64})$", lines[1].strip())
    if not (lines[0].startswith("aviary dashboard: releases in ") and match):
        proc.kill()
        raise AssertionError(f"unexpected output {lines}; stderr: {proc.stderr.read()}")
    assert match.group(2) != "0"
    return proc, lines[0].rsplit(" as ", 1)[1].strip(), match.group(1), match.group(3)


def stopped(proc):
    proc.terminate()
    proc.wait(10)
    assert proc.returncode == 0, proc.stderr.read()


def test_aviary_dashboard_serves_the_same_ui_locally_as_the_kubeconfig_user(namespace, operator, browser):
    apply(release("local", 1, [{"setWeight": 100}]), namespace)
    wait_phase("local", namespace, "Promoted")
    proc, who, url, session = local_dashboard("-n", namespace)
    try:
        browser.get(f"{url}#token={session}")
        until(browser, "the release", lambda d: f"{namespace}/local" in list_rows(d), timeout=15)
        assert "#token" not in browser.current_url, "the token leaves the address bar"
        assert text_of(browser, "who") == who
        # Only this run's session token opens it.
        api = SimpleNamespace(api_url=url.rstrip("/"), tls_context=None)
        status, _ = post(api, namespace, "local", "abort", "0" * 64)
        assert status == 401
    finally:
        stopped(proc)


def test_aviary_dashboard_acts_with_the_kubeconfig_users_own_rights(namespace, operator, browser):
    apply(release("local", 1, [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]), namespace)
    wait_phase("local", namespace, "Promoted")
    apply(release("local", 2, [{"setWeight": 50}, {"pause": {}}, {"setWeight": 100}]), namespace)
    wait_phase("local", namespace, "Paused")
    user = "dash-" + uuid.uuid4().hex[:6]
    kubeconfig = user_kubeconfig(user)
    role(namespace, "release-reader", [(["modelreleases"], ["get", "list", "watch"])])
    kubectl("create", "rolebinding", "local-reader", "-n", namespace, "--role=release-reader", f"--user={user}")
    wait_for(f"{user} may list releases", lambda: kubectl("auth", "can-i", "list", "modelreleases.aviary.dev", "-n", namespace,
                                                          f"--as={user}", check=False).returncode == 0, timeout=10)
    proc, who, url, session = local_dashboard("-n", namespace, "--kubeconfig", kubeconfig)
    try:
        assert who == user
        browser.get(f"{url}#token={session}")
        open_release(browser, url.rstrip("/"), namespace, "local")
        until(browser, "the paused canary", lambda d: text_of(d, "phase") == "Paused", timeout=10)
        assert action_buttons(browser) == [], "a reader's own rights: no button"
        api = SimpleNamespace(api_url=url.rstrip("/"), tls_context=None)
        status, answer = post(api, namespace, "local", "promote", session)
        assert status == 403 and f"{user} may not patch" in answer["error"], answer

        # Granted patch, the same session gets the buttons and its promote is the user's own write.
        role(namespace, "release-operator", [(["modelreleases"], ["get", "patch"])])
        kubectl("create", "rolebinding", "local-operator", "-n", namespace, "--role=release-operator", f"--user={user}")
        wait_for(f"{user} may patch releases", lambda: kubectl("auth", "can-i", "patch", "modelreleases.aviary.dev", "-n",
                                                               namespace, f"--as={user}", check=False).returncode == 0,
                 timeout=10)
        browser.refresh()
        until(browser, "the promote button", lambda d: "promote" in action_buttons(d), timeout=10)
        browser.find_element(By.CSS_SELECTOR, "#action-buttons button[data-action='promote']").click()
        until(browser, "the promote accepted", lambda d: "accepted" in text_of(d, "action-result"), timeout=10)
        status = wait_phase("local", namespace, "Promoted")
        assert status["stableVersion"] == "2"
        # The request named its verified requester (aviary.dev/requested-by), so the record does too.
        requests = [e for e in status["decisionRecords"][-1]["events"] if e["kind"] == "request"]
        assert [(e["action"], e.get("by")) for e in requests] == [("promote", user)], requests
    finally:
        stopped(proc)


def test_aviary_dashboard_says_why_it_cannot_start(namespace, tmp_path):
    def run(*args, env=None):
        return subprocess.run([aviary_binary(), "dashboard", *args], capture_output=True, text=True, timeout=30,
                              env=env)
    bad = run("--port", "http")
    assert bad.returncode == 2 and "--port: want 0..65535" in bad.stderr, bad
    nowhere = tmp_path / "kubeconfig"
    nowhere.write_text(NO_SERVER_KUBECONFIG)
    down = run("-n", namespace, "--kubeconfig", str(nowhere))
    assert down.returncode == 1 and "aviary dashboard:" in down.stderr, down
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = run("-n", namespace, "--port", str(taken.getsockname()[1]))
    assert busy.returncode == 1 and "cannot listen on 127.0.0.1:" in busy.stderr, busy


# A cluster that is not there: nothing listens on port 1.
NO_SERVER_KUBECONFIG = """apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: nothing}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
"""
