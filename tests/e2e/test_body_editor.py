"""The body editor in a real browser: it loads without a CSP violation, an editor writes a heading and a
paragraph and inserts a library picture through the picker, the reader's page shows it with its credit; a body
opened and saved untouched stays byte for byte; an embed loads its player only after the reader's click."""

import pytest

from articles import selectors, services
from articles.admin.articles import figures
from articles.demo.loader import ARTICLES as DEMO_ARTICLES
from articles.models import Article
from articles.text import sanitize
from tests.e2e.test_csp import RECORD_VIOLATIONS, violations
from tests.e2e.test_publishbar import log_in
from tests.factories import ArticleFactory, make_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDITOR = ".prose-editor [contenteditable=true]"


def test_an_editor_writes_and_inserts_a_figure_and_the_reader_sees_it(page, live_server):
    from playwright.sync_api import expect

    image = make_image(alt_text="記者會講台", caption="發言人說明新政策", credit="路透社")
    make_image(colour=(10, 200, 10), alt_text="別的圖片", credit="本報攝影")
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    editor = page.locator(EDITOR)
    expect(editor).to_be_visible()

    page.fill("#id_title", "瀏覽器裡寫的文章")
    editor.click()
    page.keyboard.type("## 重點整理")
    page.keyboard.press("Enter")
    page.keyboard.type("這是第一段內文。")
    page.keyboard.press("Enter")

    page.click(".prose-menubar [data-name=libraryFigure]")
    picker = page.locator("dialog[data-figure-picker]")
    expect(picker).to_be_visible()
    picker.locator("input[type=search]").fill("路透")
    expect(picker.locator("[data-image-id]")).to_have_count(1)  # the search narrowed the library to one
    picker.locator(f'[data-image-id="{image.pk}"]').click()
    expect(picker).to_have_count(0)
    expect(editor.locator(f'figure[data-image="{image.pk}"] img')).to_be_visible()

    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    article = Article.objects.get(title="瀏覽器裡寫的文章")
    assert article.body.startswith("<h2>重點整理</h2><p>這是第一段內文。</p>")
    src = figures.image_payload(selectors.image_list_for_picker(query="路透")[0])["src"]  # the w800 rendition
    expected = (f'<figure data-image="{image.pk}"><img src="{src}" alt="記者會講台"><figcaption>'
                f"發言人說明新政策<small>圖片來源：路透社</small></figcaption></figure>")
    assert expected in article.body
    assert sanitize.clean_html(article.body) == article.body
    assert violations(page) == []

    page.goto(live_server.url + article.get_absolute_url())
    figure = page.locator(f'.article-body figure[data-image="{image.pk}"]')
    expect(figure.locator("img")).to_be_visible()
    expect(figure.locator("figcaption small")).to_have_text("圖片來源：路透社")
    page.goto(live_server.url + "/zh-hans" + article.get_absolute_url())
    expect(page.locator(f'.article-body figure[data-image="{image.pk}"] figcaption')).to_contain_text(
        "发言人说明新政策图片来源：路透社")
    assert violations(page) == []


def test_a_body_opened_and_saved_untouched_is_stored_byte_for_byte(page, live_server):
    from playwright.sync_api import expect

    body = "\n".join(DEMO_ARTICLES[0]["body"]) + '\n<table><tr><td>編輯器沒有的表格</td></tr></table>'
    article = ArticleFactory(title="原有的文章", body=sanitize.clean_html(body))
    stored = article.body
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(EDITOR)).to_be_visible()
    expect(page.locator("[data-body-editor-notice]")).to_contain_text("table")  # the editor would drop it: said
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    assert Article.objects.get(pk=article.pk).body == stored

    # The editor's way out for such a body: the HTML itself, saved as typed.
    page.goto(live_server.url + f"/admin/articles/article/{article.pk}/change/")
    page.click("[data-body-editor-notice] button")
    expect(page.locator(EDITOR)).to_have_count(0)
    source = page.locator("#id_body")
    expect(source).to_be_visible()
    assert source.input_value() == stored
    source.fill(stored.replace("編輯器沒有的表格", "改過的表格"))
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + "/admin/articles/article/")
    assert Article.objects.get(pk=article.pk).body == stored.replace("編輯器沒有的表格", "改過的表格")
    assert violations(page) == []


def test_an_embed_loads_its_player_only_after_the_readers_click(page, live_server):
    from playwright.sync_api import expect

    body = sanitize.clean_html('<p>請看影片：</p><figure data-embed="youtube"><a href="https://www.youtube.com/watch?'
                               'v=dQw4w9WgXcQ">發表會影片</a></figure><figure data-embed="x"><a href='
                               '"https://x.com/example/status/1">官方貼文</a></figure>')
    article = services.article_publish(article=ArticleFactory(body=body, source=None))
    asked_elsewhere = []
    page.on("request", lambda request: asked_elsewhere.append(request.url)
            if not request.url.startswith(live_server.url) else None)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(live_server.url + article.get_absolute_url())
    youtube = page.locator('.article-body figure[data-embed="youtube"]')
    expect(youtube.locator("[data-embed-load]")).to_be_visible()
    expect(youtube.locator("a")).to_have_text("發表會影片")  # the text fallback stays
    assert page.locator("iframe").count() == 0
    assert page.locator('figure[data-embed="x"] [data-embed-load]').count() == 0  # X stays a link card
    assert asked_elsewhere == []

    youtube.locator("[data-embed-load]").click()
    frame = youtube.locator("iframe")
    expect(frame).to_have_count(1)
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    page.wait_for_timeout(300)
    assert asked_elsewhere and all(url.startswith("https://www.youtube-nocookie.com/") for url in asked_elsewhere)
    assert violations(page) == []


def test_an_editor_inserts_an_embed_that_is_a_fixed_point_of_the_sanitiser(page, live_server):
    from playwright.sync_api import expect

    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.locator(EDITOR).click()
    page.click(".prose-menubar [data-name=embed]")
    dialog = page.locator("dialog.prose-editor-dialog")
    dialog.locator("input[name=href]").fill("https://youtu.be/dQw4w9WgXcQ")
    dialog.locator("input[name=text]").fill("發表會影片")
    dialog.locator("button[type=submit]").click()
    expect(page.locator(EDITOR).locator('figure[data-embed="youtube"]')).to_have_count(1)
    written = page.input_value("#id_body")
    assert ('<figure data-embed="youtube"><a href="https://youtu.be/dQw4w9WgXcQ" rel="noopener noreferrer nofollow">'
            "發表會影片</a></figure>") in written
    assert sanitize.clean_html(written) == written


def test_the_featured_picture_is_picked_from_thumbnails_and_shown_beside_the_field(page, live_server):
    from playwright.sync_api import expect

    chosen = make_image(alt_text="晶片特寫", caption="新一代晶片", credit="由無界AI 生成", ai_generated=True)
    make_image(colour=(10, 200, 10), alt_text="別的圖片", credit="本報攝影")
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server)
    page.goto(live_server.url + "/admin/articles/article/add/")
    page.fill("#id_title", "主圖挑選測試")
    page.locator(EDITOR).fill("內文。")
    expect(page.locator("[data-featured-preview]")).to_be_hidden()  # nothing chosen yet

    page.click("[data-featured-picker]")
    picker = page.locator("dialog[data-figure-picker]")
    expect(picker.locator("[data-image-id] img")).to_have_count(2)  # thumbnails, not a list of alt texts
    expect(picker.locator(f'[data-image-id="{chosen.pk}"]')).to_contain_text("AI 生成")
    picker.locator(f'[data-image-id="{chosen.pk}"]').click()
    expect(picker).to_have_count(0)
    expect(page.locator("#id_featured_image + .select2")).to_contain_text("晶片特寫")  # the autocomplete shows it
    expect(page.locator("[data-featured-preview]")).to_be_visible()

    page.click("input[name=_continue]")
    page.wait_for_url("**/change/")
    article = Article.objects.get(title="主圖挑選測試")
    assert article.featured_image_id == chosen.pk
    expect(page.locator("[data-featured-preview]")).to_be_visible()  # reopened: the current choice's thumbnail
    assert page.locator("[data-featured-preview]").get_attribute("alt") == "晶片特寫"
    assert violations(page) == []
