"""The article form's publishing bar in a real browser: the bar stays in view while the form scrolls, the slug
follows a Simplified title as its Traditional slug until the editor types one, and the schedule is said in Taipei
time as the picker changes, all without a CSP violation (static/js/admin-publishbar.js)."""

import pytest

from articles.models import Article
from tests.e2e.test_csp import RECORD_VIOLATIONS, violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server):
    UserFactory(username="chief", is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def bar_in_view(page) -> bool:
    return page.evaluate("""() => {
        const r = document.getElementById("publish-bar").getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1;
    }""")


def test_the_bar_the_slug_preview_and_taipei_time_in_a_browser(page, live_server):
    from playwright.sync_api import expect  # as conftest: imported only where a browser runs

    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")

    page.evaluate("window.scrollTo(0, 0)")
    assert bar_in_view(page), "the bar is not in view at the top of the form"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    assert bar_in_view(page), "the bar is not in view halfway down"

    page.select_option("#id_language", "zh-hans")
    page.fill("#id_title", "台湾发布新的人工智能规范")
    expect(page.locator("#id_slug")).to_have_value("臺灣發布新的人工智慧規範")  # waits out the debounce
    expect(page.locator(".desk-slug-preview")).to_contain_text("臺灣發布新的人工智慧規範")

    page.fill("#id_slug", "my-own-slug")
    page.fill("#id_title", "另一个标题")
    page.wait_for_timeout(800)  # longer than the debounce: a late answer must not overwrite the typed slug
    assert page.input_value("#id_slug") == "my-own-slug"

    page.fill("#id_publish_at_0", "2030-12-01")
    page.fill("#id_publish_at_1", "08:00")
    assert page.text_content("#publish-at-taipei") == "將於 2030年12月1日 08:00（台北時間）發布"

    page.locator(".prose-editor [contenteditable=true]").fill("內文")  # the body editor
    page.click("#publish-bar input[name=_continue]")
    page.wait_for_load_state("load")
    assert Article.objects.get().slug == "my-own-slug"
    assert violations(page) == []
