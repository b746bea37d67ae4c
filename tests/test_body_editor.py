"""The rich-text body editor: what it writes survives save, revision restore and both scripts' pages byte for byte,
existing bodies save unchanged, the figure picker answers staff only, and embed placeholders stay harmless."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.demo.loader import ARTICLES as DEMO_ARTICLES
from articles.models import Article
from articles.text import sanitize
from tests.factories import ArticleFactory, SourceFactory, UserFactory, make_image
from tests.test_admin import article_form_data

pytestmark = pytest.mark.django_db

PICKER = "admin:articles_image_picker"


def figure(image, *, caption: str, credit: str) -> str:
    """A figure exactly as static/js/admin-body-editor.js writes it (LibraryFigure.renderHTML)."""
    return (f'<figure data-image="{image.pk}"><img src="{image.file.url}" alt="{image.alt_text}">'
            f"<figcaption>{caption}<small>圖片來源：{credit}</small></figcaption></figure>")


def editor_body(first, second) -> str:
    """A body as the editor serialises it: headings, marks, a list, a quote, a link, a rule and two figures."""
    return (
        "<h2>記者會重點整理</h2>"
        "<p>開發商在<strong>記者會</strong>上說明<em>新版本</em>，"
        '<a href="https://example.com/news?id=1&amp;lang=zh" rel="noopener noreferrer nofollow">原始公告</a>。</p>'
        + figure(first, caption="記者會現場的燈光與講台", credit="本報攝影")
        + "<ul><li><p>第一點：開放測試</p></li><li><p>第二點：價格調整</p></li></ul>"
        "<blockquote><p>「我們會繼續改進。」</p></blockquote>"
        "<hr>"
        "<h3>後續發展</h3>"
        + figure(second, caption="開發團隊合影", credit="由無界AI 生成")
        + "<p>詳情請見官方網站。</p>"
    )


@pytest.fixture
def two_images():
    first = make_image(alt_text="記者會講台", caption="記者會現場的燈光與講台", credit="本報攝影")
    second = make_image(colour=(20, 90, 200), alt_text="團隊合影", caption="開發團隊合影", credit="由無界AI 生成",
                        ai_generated=True)
    return first, second


# --- the form -----------------------------------------------------------------------------------------------


def test_the_change_form_loads_the_editor_as_a_module_without_inline_script(editor_client):
    article = ArticleFactory()
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert "data-body-editor" in html
    assert f'data-image-picker="{reverse(PICKER)}"' in html
    assert 'src="/static/js/admin-body-editor.js" type="module"' in html
    assert "importmap" not in html  # an inline import map would be blocked by script-src 'self'


def test_an_empty_body_is_refused_by_the_form_not_by_a_hidden_browser_check(editor_client):
    html = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    textarea = html[html.index('<textarea name="body"'):].split(">", 1)[0]
    assert "required" not in textarea  # the browser could not show its message on the hidden textarea
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data(body=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["body"]


# --- the round trip -----------------------------------------------------------------------------------------


def test_a_body_with_two_figures_round_trips_through_save_restore_and_both_pages(editor_client, two_images, client):
    body = editor_body(*two_images)
    assert sanitize.clean_html(body) == body  # what the editor writes is a fixed point of the sanitiser
    source = SourceFactory()
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data(
        title="編輯器往返測試", body=body, source=source.pk, status="published"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="編輯器往返測試")
    assert article.body == body

    # Another edit, then the first revision restored: the body comes back byte for byte.
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), article_form_data(
        article, title="編輯器往返測試", body="<p>暫時改寫的內文。</p>", source=source.pk, status="published"))
    assert response.status_code == 302
    first = Article.objects.get(pk=article.pk).revisions.order_by("created_at", "id").first()
    services.revision_restore(revision=first)
    article.refresh_from_db()
    assert article.body == body

    traditional = client.get(article.get_absolute_url()).content.decode()
    assert body in traditional
    simplified = client.get("/zh-hans" + article.get_absolute_url()).content.decode()
    for image in two_images:
        assert f'<figure data-image="{image.pk}"><img src="{image.file.url}"' in simplified
    assert "<figcaption>记者会现场的灯光与讲台<small>图片来源：本报摄影</small></figcaption>" in simplified
    assert "<figcaption>开发团队合影<small>图片来源：由无界AI 生成</small></figcaption>" in simplified
    assert 'href="https://example.com/news?id=1&amp;lang=zh"' in simplified


def test_an_editor_body_saved_again_unchanged_keeps_every_byte(editor_client, two_images):
    body = editor_body(*two_images)
    article = ArticleFactory(body=body)
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                  article_form_data(article, title=article.title, body=body))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == body


# --- existing bodies ----------------------------------------------------------------------------------------

HOSTILE_AND_IMPORTED = [
    '<p onclick="steal()">點我<script>alert(1)</script></p><a href="javascript:alert(1)">連結</a>',
    '<figure><img src="https://img.example.com/a.jpg" alt="外站圖片"><figcaption>圖說 <a href="https://a.example">來源</a>'
    "</figcaption></figure>",
    '<table><tr><td colspan="2">表格</td></tr></table><pre><code class="language-python evil">x = 1</code></pre>',
    '<iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe><p style="color:red">紅字</p>',
    '<figure data-embed="youtube" data-image="1"><a href="https://evil.example/watch?v=abcdefghijk">影片</a></figure>',
    "<p>段落一</p>\r\n<p>段落二，含 &nbsp; 空白與 &lt;符號&gt;</p>",
    '<h1>大標</h1><div class="x"><span lang="en">word</span><abbr title="人工智慧">AI</abbr></div>',
]


@pytest.mark.parametrize("spec", DEMO_ARTICLES, ids=lambda spec: spec.get("slug") or spec["title"][:10])
def test_every_demo_body_is_a_fixed_point_of_the_sanitiser(spec):
    body = "\n".join(spec["body"])
    assert sanitize.clean_html(body) == body


@pytest.mark.parametrize("raw", HOSTILE_AND_IMPORTED)
def test_a_stored_hostile_or_imported_body_saves_again_unchanged(raw):
    stored = sanitize.clean_html(raw)
    assert sanitize.clean_html(stored) == stored


def test_demo_bodies_open_and_save_unchanged_through_the_admin_form(editor_client):
    for spec in DEMO_ARTICLES[:12]:
        body = "\n".join(spec["body"])
        article = ArticleFactory(body=body)
        response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                      article_form_data(article, title=article.title, body=body))
        assert response.status_code == 302, spec["title"]
        assert Article.objects.get(pk=article.pk).body == body, spec["title"]


def test_a_body_posted_with_browser_line_endings_is_stored_as_it_was(editor_client):
    body = "<p>第一段。</p>\n<p>第二段。</p>"
    article = ArticleFactory(body=body)
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                  article_form_data(article, title=article.title, body=body.replace("\n", "\r\n")))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == body


# --- the picker ---------------------------------------------------------------------------------------------


@pytest.fixture
def library():
    return {
        "podium": make_image(alt_text="記者會講台", caption="發言人說明新政策", credit="路透社"),
        "robot": make_image(colour=(10, 200, 10), alt_text="機器人插畫", caption="示意圖", credit="由無界AI 生成",
                            ai_generated=True),
        "market": make_image(colour=(10, 10, 200), alt_text="市場", caption="清晨的菜市場", credit="本報攝影"),
    }


def found(client, query: str) -> list[int]:
    response = client.get(reverse(PICKER), {"q": query})
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(("query", "name"), [
    ("講台", "podium"),  # alt text
    ("路透", "podium"),  # credit
    ("菜市場", "market"),  # caption
    ("菜市场", "market"),  # caption typed in Simplified
    ("無界AI", "robot"),
])
def test_the_picker_searches_alt_text_caption_and_credit(editor_client, library, query, name):
    assert found(editor_client, query) == [library[name].pk]


def test_the_picker_lists_newest_first_without_a_query_with_what_a_figure_needs(writer_client, library):
    response = writer_client.get(reverse(PICKER))
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [library["market"].pk, library["robot"].pk, library["podium"].pk]
    robot = next(row for row in rows if row["id"] == library["robot"].pk)
    assert robot["ai_generated"] is True
    assert robot["credit"] == "由無界AI 生成"
    assert robot["zh-hans"]["credit"] == "由无界AI 生成"
    assert robot["thumbnail"] and robot["src"]
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(("junk", "listed"), [
    ("0", 0), ("99999999", 0),  # an id no picture has: nothing
    ("1" * 40, 3), ("²", 3), ("-1", 3), ("1 OR 1=1", 3),  # not an id: the newest, as without one
])
def test_the_picker_finds_one_picture_by_id_and_ignores_junk_ids(editor_client, library, junk, listed):
    # ?id=N: the featured-picture field's current choice, shown as a thumbnail beside it
    response = editor_client.get(reverse(PICKER), {"id": library["robot"].pk})
    assert [row["id"] for row in response.json()["results"]] == [library["robot"].pk]
    response = editor_client.get(reverse(PICKER), {"id": junk})
    assert response.status_code == 200
    assert len(response.json()["results"]) == listed


def test_the_picker_answers_staff_only(client, library):
    url = reverse(PICKER)
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    reader = UserFactory(is_staff=False)
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    staff_without_images = UserFactory()
    staff_without_images.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(staff_without_images)
    assert client.get(url).status_code == 403


def test_the_picker_query_count_does_not_grow_with_the_results(editor_client):
    make_image(alt_text="第一張")
    editor_client.get(reverse(PICKER))  # session and permission caches warm

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse(PICKER)).status_code == 200
        return len(queries)

    one = count()
    for n in range(4):
        make_image(colour=(n * 40, 10, 10), alt_text=f"更多圖片{n}")
    assert count() == one


# --- embeds -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ('<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=abcdefghijk">影片</a></figure>',
     '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=abcdefghijk" '
     'rel="noopener noreferrer nofollow">影片</a></figure>'),
    ('<figure data-embed="youtube"><a href="https://evil.example/watch?v=abcdefghijk">影片</a></figure>',
     '<figure data-embed="link"><a href="https://evil.example/watch?v=abcdefghijk" '
     'rel="noopener noreferrer nofollow">影片</a></figure>'),
    ('<figure data-embed="x" onmouseover="x()"><a href="https://x.com/a/status/1" target="_blank">貼文</a></figure>',
     '<figure data-embed="x"><a href="https://x.com/a/status/1" rel="noopener noreferrer nofollow">貼文</a></figure>'),
    ('<figure data-embed="x"><a href="javascript:alert(1)">貼文</a></figure>',
     '<figure><a rel="noopener noreferrer nofollow">貼文</a></figure>'),
    ('<figure data-embed="iframe"><a href="https://a.example/">連結</a></figure>',
     '<figure><a href="https://a.example/" rel="noopener noreferrer nofollow">連結</a></figure>'),
    ('<figure data-embed="youtube"><iframe src="https://www.youtube.com/embed/abcdefghijk"></iframe></figure>',
     '<figure data-embed="youtube"></figure>'),
    ('<figure data-image="12 onload=x" data-file="3"><img src="/media/a.jpg" alt="甲" onerror="x()"></figure>',
     '<figure><img src="/media/a.jpg" alt="甲"></figure>'),
])
def test_the_sanitiser_keeps_embed_placeholders_only_with_allowed_hosts_and_attributes(raw, expected):
    assert sanitize.clean_html(raw) == expected
    assert sanitize.clean_html(expected) == expected


def test_the_reader_page_loads_the_embed_script_only_for_a_body_with_an_embed(client):
    plain = services.article_publish(article=ArticleFactory(body="<p>沒有嵌入內容。</p>"))
    embed = services.article_publish(article=ArticleFactory(body=sanitize.clean_html(
        '<figure data-embed="youtube"><a href="https://www.youtube.com/watch?v=abcdefghijk">影片</a></figure>')))
    assert "js/embeds.js" not in client.get(plain.get_absolute_url()).content.decode()
    response = client.get(embed.get_absolute_url())
    assert "js/embeds.js" in response.content.decode()
    assert "<iframe" not in response.content.decode()  # nothing third-party until the reader clicks
    frame_src = [d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip().startswith("frame-src")]
    assert frame_src == ["frame-src https://www.youtube-nocookie.com"]
