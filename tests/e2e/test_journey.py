"""The whole desk in a real browser (issue 17): a writer writes in the rich-text editor, is autosaved, loses the tab,
restores, inserts a library figure, sees the other script beside the form and submits; an editor previews it in both
scripts and publishes it from the review queue; readers read it in both scripts, on a desktop and on a phone.
A failure leaves screenshots of every open page in test-artifacts/e2e (tests/e2e/conftest.py)."""

import pytest

from articles.models import Article, Autosave
from tests.e2e.test_csp import RECORD_VIOLATIONS, violations
from tests.factories import SourceFactory, UserFactory, make_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
EDITOR = ".prose-editor [contenteditable=true]"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def contexts(browser):
    """Every browser context the test opens, closed after it (a page left open keeps its scripts running)."""
    opened = []
    yield opened
    for context in opened:
        context.close()


@pytest.fixture
def quick_autosave(settings):
    settings.AUTOSAVE_INTERVAL_SECONDS = 1  # the form's 30 s, shortened so the test does not wait


def desk(contexts, browser, live_server, username: str):
    contexts.append(browser.new_context(viewport=DESKTOP, locale="zh-TW"))
    page = contexts[-1].new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return page


def test_write_autosave_restore_figure_submit_review_publish_read(browser, live_server, data_migrations,
                                                                  quick_autosave, contexts):
    from playwright.sync_api import expect

    UserFactory(username="writer", groups=["writers"])
    UserFactory(username="editor", groups=["editors"])
    SourceFactory(name="開放科技評論", reprint_permission="public")
    picture = make_image(alt_text="資料中心機房", caption="新落成的資料中心", credit="由無界AI 生成", ai_generated=True)
    title = "資料中心的軟體升級"

    # --- the writer writes; the tab is lost before saving; the work comes back ---------------------------
    writer = desk(contexts, browser, live_server, "writer")
    writer.goto(live_server.url + "/admin/articles/article/add/")
    expect(writer.locator("#id_status option")).to_have_count(2)  # 草稿 and 待審 only: a writer's statuses
    writer.fill("#id_title", title)
    body = writer.locator(EDITOR)
    body.click()
    writer.keyboard.type("## 升級重點")
    writer.keyboard.press("Enter")
    writer.keyboard.type("這次升級讓網絡和軟件的信息更新更快。")
    expect(writer.locator("#autosave-status")).to_contain_text("已自動儲存", timeout=10_000)
    assert not Article.objects.exists()  # an autosave is not an article

    dialogs = []
    writer.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    writer.reload()  # the tab is closed (or crashes) before saving
    writer.wait_for_load_state("load")
    assert dialogs == ["beforeunload"]  # leaving with unsaved work asked first
    offer = writer.locator("[data-autosave-offer]")
    expect(offer).to_contain_text("自動儲存、尚未儲存的內容")
    offer.locator("[data-autosave-restore]").click()
    assert writer.input_value("#id_title") == title
    expect(body.locator("h2")).to_have_text("升級重點")
    expect(body).to_contain_text("這次升級讓網絡和軟件的信息更新更快。")

    # --- the other script and the mainland words, beside the form, as the writer types ----------------------
    body.locator("p").last.click()
    writer.keyboard.press("End")
    writer.keyboard.type("完成。")
    panel = writer.locator("[data-scripts-panel]")
    expect(panel.locator("[data-scripts-body]")).to_contain_text("完成", timeout=10_000)
    expect(panel.locator("[data-mainland-word='信息']")).to_contain_text("資訊")

    # --- a figure from the library, picked by its thumbnail ---------------------------------------------------
    writer.keyboard.press("Enter")
    writer.click(".prose-menubar [data-name=libraryFigure]")
    picker = writer.locator("dialog[data-figure-picker]")
    picker.locator("input[type=search]").fill("資料中心")
    expect(picker.locator("[data-image-id] img")).to_have_count(1)
    picker.locator(f'[data-image-id="{picture.pk}"]').click()
    expect(body.locator(f'figure[data-image="{picture.pk}"] img')).to_be_visible()

    # --- the source, then off to the editors -------------------------------------------------------------------
    writer.click("#id_source + .select2 .select2-selection")
    writer.fill(".select2-search__field", "開放")
    writer.click(".select2-results__option:has-text('開放科技評論')")
    writer.select_option("#id_status", "review")
    writer.click("input[name=_save]")
    writer.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(title=title)
    assert article.status == "review"
    assert f'<figure data-image="{picture.pk}">' in article.body and "<h2>升級重點</h2>" in article.body
    assert not Autosave.objects.exists()  # saving put the autosave away
    assert violations(writer) == []

    # --- the editor previews it in both scripts and publishes it from the queue ---------------------------------
    editor = desk(contexts, browser, live_server, "editor")
    editor.goto(live_server.url + "/admin/articles/article/review/")
    row = editor.locator(f'[data-review-article="{article.pk}"]')
    row.locator("[data-review-preview]").click()
    expect(editor.locator("h1")).to_have_text(title)
    expect(editor.locator(".preview-banner")).to_be_visible()
    editor.click(".variant-switch a[hreflang=zh-Hans]")
    expect(editor.locator("h1")).to_have_text(article.title_hans)
    assert article.title_hans != title
    editor.go_back()
    editor.go_back()
    editor.locator(f'[data-review-article="{article.pk}"] input[value="核准並發布"]').click()
    editor.wait_for_load_state()
    expect(editor.locator(".messagelist")).to_contain_text(title)
    article.refresh_from_db()
    assert article.status == "published"
    assert violations(editor) == []

    # --- readers, on a desktop and on a phone, in both scripts -----------------------------------------------------
    for viewport in (DESKTOP, {"width": 390, "height": 844}):
        contexts.append(browser.new_context(viewport=viewport, locale="zh-TW"))
        reader = contexts[-1].new_page()
        reader.add_init_script(RECORD_VIOLATIONS)
        scripts = (("", title, "圖片來源：由無界AI 生成", "開放科技評論"),
                   ("/zh-hans", article.title_hans, "图片来源：由无界AI 生成", "开放科技评论"))
        for prefix, heading, credit, source in scripts:
            response = reader.goto(live_server.url + prefix + article.get_absolute_url())
            assert response.status == 200
            expect(reader.locator("h1")).to_have_text(heading)
            figure = reader.locator(f'.article-body figure[data-image="{picture.pk}"]')
            expect(figure.locator("img")).to_be_visible()
            expect(figure.locator("figcaption small")).to_have_text(credit)
            expect(reader.locator("[data-attribution]")).to_contain_text(source)
            assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"the page scrolls sideways at {viewport['width']} px")
            assert violations(reader) == []
