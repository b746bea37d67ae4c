"""Never lose work and see both scripts, in a real browser (static/js/admin-autosave.js,
static/js/admin-scripts-panel.js): typing is autosaved, a reloaded (or crashed) tab offers it back and restores it,
leaving with unsaved changes asks first, and the side panel shows the other script as the editor types — all
without a CSP violation."""

import pytest

from articles.models import Article, Autosave
from tests.e2e.test_csp import RECORD_VIOLATIONS, violations
from tests.e2e.test_publishbar import log_in
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = ".prose-editor [contenteditable=true]"


@pytest.fixture
def quick_autosave(settings):
    settings.AUTOSAVE_INTERVAL_SECONDS = 1  # the form's ~30 s, shortened so the test does not wait


def test_typing_is_autosaved_and_restored_after_a_reload(page, live_server, quick_autosave):
    from playwright.sync_api import expect  # as conftest: imported only where a browser runs

    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    article = ArticleFactory(title="原本的標題", body="<p>原本的內文。</p>")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change_url)
    expect(page.locator("[data-autosave-offer]")).to_have_count(0)

    page.fill("#id_title", "還沒按儲存的標題")
    page.locator(EDITOR).fill("寫到一半的內文。")
    expect(page.locator("#autosave-status")).to_contain_text("已自動儲存", timeout=10_000)
    assert Article.objects.get(pk=article.pk).title == "原本的標題"  # the article itself is untouched

    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()  # leave the page, as the editor would after confirming

    page.on("dialog", answer)
    page.reload()  # the tab closed before saving
    page.wait_for_load_state("load")
    assert dialogs == ["beforeunload"], "leaving with unsaved changes did not ask first"

    offer = page.locator("[data-autosave-offer]")
    expect(offer).to_contain_text("自動儲存、尚未儲存的內容")
    assert page.input_value("#id_title") == "原本的標題"
    offer.locator("[data-autosave-restore]").click()
    expect(offer).to_be_hidden()
    assert page.input_value("#id_title") == "還沒按儲存的標題"
    assert page.input_value("#id_body") == "<p>寫到一半的內文。</p>"
    expect(page.locator(EDITOR)).to_have_text("寫到一半的內文。")  # the editor shows what was restored

    page.click("input[name=_save]")  # a submit is not "leaving with unsaved changes"
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    assert dialogs == ["beforeunload"]
    saved = Article.objects.get(pk=article.pk)
    assert (saved.title, saved.body) == ("還沒按儲存的標題", "<p>寫到一半的內文。</p>")
    assert not Autosave.objects.exists()
    assert violations(page) == []


def test_leaving_an_untouched_form_does_not_ask(page, live_server):
    log_in(page, live_server)
    article = ArticleFactory()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.click("#id_title")  # focus alone changes nothing
    page.goto(f"{live_server.url}/admin/")
    assert dialogs == []


def test_the_side_panel_shows_the_other_script_and_mainland_words(page, live_server):
    from playwright.sync_api import expect

    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    panel = page.locator("[data-scripts-panel]")
    expect(panel).to_be_attached()

    page.fill("#id_title", "軟體更新")
    page.locator(EDITOR).fill("這段視頻裡的信息很多。")
    expect(panel.locator("[data-scripts-title]")).to_have_text("软件更新")
    expect(panel.locator("[data-scripts-body]")).to_contain_text("视频")
    expect(panel.locator("[data-mainland-word='信息']")).to_contain_text("資訊")
    expect(panel.locator("[data-mainland-word='視頻']")).to_be_visible()

    page.select_option("#id_language", "zh-hans")
    page.fill("#id_title", "信息安全")
    expect(panel.locator("[data-scripts-title]")).to_have_text("資訊安全")
    expect(panel.locator("h2")).to_have_text("繁體版本")
    assert violations(page) == []
