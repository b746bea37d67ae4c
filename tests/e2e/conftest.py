"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic",
]


# Where a failed browser test leaves a screenshot of every page it had open (git-ignored; CI prints the folder).
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"))
_open_browser = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and _open_browser is not None:
        _screenshot_every_page(_open_browser, item.nodeid)


def _screenshot_every_page(browser, nodeid: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1])[:120]
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            path = ARTIFACTS / f"{name}-{c}-{p}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # noqa: BLE001 - a closed or crashed page: say so, keep the others
                print(f"no screenshot of {page.url}: {exc}")
            else:
                print(f"screenshot of {page.url}: {path}")


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """The live server answers from this process, with its content-type cache: an earlier transactional test may
    have left ids there that the flush after it removed (an admin save then logs against a missing content type)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls in the tests are
    # still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            global _open_browser
            _open_browser = browser
            yield browser
            _open_browser = None
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    # Nothing leaves the machine: share pop-ups to real networks are stopped at the door.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url)
                  else route.abort())
    page = context.new_page()
    yield page
    context.close()
