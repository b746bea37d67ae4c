"""What only a browser shows of the editors' article list (issue 17): at 1280 px it fits — titles clamped to two
lines, status pills on one line, every column inside the window beside the filters."""

import pytest
from django.utils import timezone

from tests.e2e.test_csp import RECORD_VIOLATIONS, violations
from tests.factories import ArticleFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_TITLE = ("美國聯準會宣布維持利率不變，市場預期年底前可能降息兩碼，"
              "亞洲股市早盤普遍上揚，科技股領漲，台積電與聯發科同步走高")


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_article_list_fits_the_screen(browser, live_server, data_migrations, width):
    UserFactory(username="editor", groups=["editors"])
    source = SourceFactory(name="很長的來源名稱的國際財經通訊社", reprint_permission="none")
    now = timezone.now()
    for n, status in enumerate(["published", "scheduled", "review", "draft", "archived"] * 2):
        ArticleFactory(title=f"{LONG_TITLE}（{n}）", status=status, source=source,
                       publish_at=now if status in ("published", "scheduled") else None)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/articles/article/")
    page.wait_for_load_state("load")

    layout = page.evaluate("""() => {
        const lines = (el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight);
        const table = document.getElementById("result_list");
        return {
            tableRight: table.getBoundingClientRect().right,
            windowWidth: document.documentElement.clientWidth,
            scrollsSideways: document.documentElement.scrollWidth > document.documentElement.clientWidth,
            titleLines: [...document.querySelectorAll(".desk-title")].map(lines),
            pillLines: [...document.querySelectorAll(".desk-pill")].map(lines),
            rows: document.querySelectorAll("#result_list tbody tr").length,
        };
    }""")
    assert layout["rows"] == 10
    assert layout["tableRight"] <= layout["windowWidth"], layout  # the last column is not cut off
    assert not layout["scrollsSideways"], layout
    assert max(layout["titleLines"]) <= 2.05, layout  # a long title is clamped to two lines
    assert len(layout["pillLines"]) >= 10 and max(layout["pillLines"]) <= 1.6, layout  # one line (with padding)
    assert violations(page) == []
    context.close()
