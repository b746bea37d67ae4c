"""A desk that fits the screen and the language (issue 17, item 5, and the bulk-publish confirmation of item 4):
writers see only what a writer may do, publishing says what happened with the live address, a bulk publish asks
first, every admin label and message is Traditional Chinese in one tone, the list fits 1280 px at a constant query
count, the add-image form may preview the picked file (and nothing else's policy changes), and the media library
shows thumbnails with credit and AI flag."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage

from articles.models import Article, Image
from newsroom.security import content_security_policy
from tests.factories import ArticleFactory, SourceFactory, UserFactory, make_image
from tests.test_admin import article_form_data

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
CHANGELIST = "admin:articles_article_changelist"
# Latin words an admin label may carry: names of formats, standards and our own "AI" flag.
ALLOWED_LATIN = {"AI", "RSS", "Atom", "URL", "ID", "X", "Y", "HTML", "JPEG", "PNG", "WebP", "GIF", "GPS", "EXIF"}


def options(html: str, name: str) -> set[str]:
    """The values of the <select name=...> options in ``html``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return set(re.findall(r'<option value="([^"]*)"', select.group(1))) - {""}


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def page_messages(response) -> list[str]:
    """The messages as the admin page shows them (HTML, links included)."""
    return re.findall(r'<li class="(?:success|error|warning|info)">(.*?)</li>', response.content.decode(), re.S)


def headers(response) -> list[str]:
    return [h["text"] for h in result_headers(response.context["cl"])
            if "action-checkbox-column" not in h["class_attrib"]]


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    return client


# --- writers see only what a writer may do ---------------------------------------------------------------------

def test_a_writer_is_offered_only_draft_and_review_and_no_editor_actions(writer_client, editor_client):
    article = ArticleFactory()
    for url in (reverse("admin:articles_article_add"), reverse("admin:articles_article_change", args=[article.pk])):
        assert options(writer_client.get(url).content.decode(), "status") == {"draft", "review"}
        assert options(editor_client.get(url).content.decode(), "status") == {
            "draft", "review", "scheduled", "published", "archived"}
    assert 'name="publish_at_0"' not in writer_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="publish_at_0"' in editor_client.get(reverse("admin:articles_article_add")).content.decode()
    writer_actions = options(writer_client.get(reverse(CHANGELIST)).content.decode(), "action")
    editor_actions = options(editor_client.get(reverse(CHANGELIST)).content.decode(), "action")
    assert {"action_publish", "action_unpublish", "action_dismiss_upstream"} <= editor_actions
    assert not {"action_publish", "action_unpublish", "action_dismiss_upstream"} & writer_actions
    assert "action_submit_for_review" in writer_actions


def test_a_writer_choosing_published_on_a_new_article_gets_a_form_error_not_silence(writer_client):
    response = writer_client.post(reverse("admin:articles_article_add"), article_form_data(status="published"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "只有編輯可以發布、排程或封存文章" in " ".join(errors["status"])
    assert "這次沒有儲存" in response.content.decode()
    assert not Article.objects.filter(title="新的文章").exists()


def test_a_writer_posting_an_editor_action_is_told_why_and_nothing_changes(writer_client):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    response = writer_client.post(reverse(CHANGELIST), {"action": "action_publish", "_selected_action": [article.pk],
                                                        "post": "yes"}, follow=True)
    assert any("只有編輯可以發布文章" in m for m in page_messages(response))
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


# --- publishing answers with what happened and the live address ---------------------------------------------------

def test_publishing_from_the_form_links_the_live_page(editor_client):
    source = SourceFactory(reprint_permission="granted")
    response = editor_client.post(reverse("admin:articles_article_add"),
                                  article_form_data(status="published", source=source.pk), follow=True)
    article = Article.objects.get(title="新的文章")
    live = f"http://testserver{article.get_absolute_url()}"
    [message] = page_messages(response)
    assert message.startswith("已發布「新的文章」") and message.endswith("。")
    assert f'<a href="{live}"' in message and "data-live-url" in message
    assert "已新增" not in message  # the generic message is replaced, not added to


def test_scheduling_and_unpublishing_from_the_form_say_what_readers_get(editor_client):
    source = SourceFactory(reprint_permission="public")
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data(
        status="scheduled", source=source.pk, publish_at_0="2099-01-01", publish_at_1="08:00"), follow=True)
    article = Article.objects.get(title="新的文章")
    [message] = page_messages(response)
    assert "已排程「新的文章」在 2099-01-01 08:00（台北時間）發布" in message
    assert f"http://testserver{article.get_absolute_url()}" in message

    live = ArticleFactory(published=True, source=source)
    when = timezone.localtime(live.publish_at)
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[live.pk]),
        article_form_data(live, title=live.title, source=source.pk, status="draft",
                          publish_at_0=f"{when:%Y-%m-%d}", publish_at_1=f"{when:%H:%M:%S}"), follow=True)
    [message] = page_messages(response)
    assert message.startswith(f"已下架「{live.title}」並改回草稿") and "讀者已看不到" in message
    assert Article.objects.get(pk=live.pk).status == Article.Status.DRAFT


def test_the_live_link_is_the_traditional_site_even_from_a_simplified_admin(editor_client):
    source = SourceFactory(reprint_permission="own")
    response = editor_client.post(reverse("admin:articles_article_add"),
                                  article_form_data(status="published", source=source.pk), follow=True,
                                  HTTP_ACCEPT_LANGUAGE="zh-CN")
    [message] = page_messages(response)
    assert "/zh-hans/" not in message
    with translation.override("zh-hant"):
        assert Article.objects.get(title="新的文章").get_absolute_url() in message


def test_approving_from_the_review_queue_links_the_live_page(editor_client):
    article = ArticleFactory(title="待審的稿子", status=Article.Status.REVIEW,
                             source=SourceFactory(reprint_permission="own"))
    response = editor_client.post(reverse("admin:articles_article_review_approve", args=[article.pk]), follow=True)
    [message] = page_messages(response)
    article.refresh_from_db()
    assert message.startswith("已發布「待審的稿子」")
    assert f'href="http://testserver{article.get_absolute_url()}"' in message


# --- bulk publish asks first ----------------------------------------------------------------------------------

def test_bulk_publish_lists_the_titles_and_publishes_only_once_confirmed(editor_client):
    draft = ArticleFactory(title="年終盤點（草稿）", source=SourceFactory(reprint_permission="own"))
    unfinished = ArticleFactory(title="（待补数据）", source=SourceFactory(reprint_permission="own"))
    blocked = ArticleFactory(title="沒有授權的稿子", source=SourceFactory(name="無授權日報", reprint_permission="none"))
    selected = [draft.pk, unfinished.pk, blocked.pk]
    response = editor_client.post(reverse(CHANGELIST), {"action": "action_publish", "_selected_action": selected})
    assert response.status_code == 200
    assert response.templates[0].name == "admin/articles/article/publish_selected_confirmation.html"
    html = response.content.decode()
    for article in (draft, unfinished):
        assert f'data-publish-title="{article.pk}"' in html and article.title in html
    assert f'data-publish-blocked-title="{blocked.pk}"' in html and "尚未取得「無授權日報」的轉載授權" in html
    assert not Article.objects.filter(status=Article.Status.PUBLISHED).exists()  # nothing until confirmed

    # The confirmation form posts back only what can go out.
    posted = re.findall(r'name="_selected_action" value="(\d+)"', html)
    assert sorted(int(pk) for pk in posted) == sorted([draft.pk, unfinished.pk])
    response = editor_client.post(reverse(CHANGELIST), {"action": "action_publish", "_selected_action": posted,
                                                        "post": "yes"}, follow=True)
    [message] = page_messages(response)
    assert message.startswith("已發布 2 篇文章：") and message.endswith("。")
    for article in (draft, unfinished):
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert f'href="http://testserver{article.get_absolute_url()}"' in message
    assert Article.objects.get(pk=blocked.pk).status == Article.Status.DRAFT


def test_cancelling_the_bulk_publish_confirmation_publishes_nothing(editor_client):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    response = editor_client.post(reverse(CHANGELIST), {"action": "action_publish", "_selected_action": [article.pk]})
    assert 'class="button cancel-link"' in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


# --- one tone and Chinese punctuation ---------------------------------------------------------------------------

def test_the_admins_own_messages_use_one_tone_and_chinese_punctuation(editor_client):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                  article_form_data(article, title=article.title, source=article.source.pk,
                                                    _continue="1"), follow=True)
    [message] = page_messages(response)
    assert re.fullmatch(r"已修改文章「.+」。您可以在下方繼續編輯。", re.sub(r"<[^>]+>", "", message)), message
    response = editor_client.post(reverse(CHANGELIST), {"action": "action_submit_for_review", "index": "0"},
                                  follow=True)
    [message] = page_messages(response)
    assert message == "請先勾選要處理的項目；這次沒有變更任何項目。"


def test_no_admin_text_says_ni_or_ends_a_chinese_sentence_with_an_english_period():
    with translation.override("zh-hant"):
        for english in ("You may edit it again below.", "No action selected.",
                        "Successfully deleted %(count)d %(items)s.",
                        "You don’t have permission to view or edit anything."):
            text = translation.gettext(english)
            assert "你" not in text and text.endswith("。") and not re.search(r"[\u4e00-\u9fff][.,!?:]", text)
    sources = [*BASE.glob("articles/admin/*.py"), *BASE.glob("templates/admin/**/*.html"),
               *BASE.glob("articles/services/**/*.py"), BASE / "articles/forms.py",
               *BASE.glob("locale/zh_Hant/LC_MESSAGES/*.po")]
    for path in sources:
        text = path.read_text()
        assert "你" not in text, path
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                continue
            for literal in re.findall(r'"([^"]*[\u4e00-\u9fff][^"]*)"', line):
                assert not re.search(r"[\u4e00-\u9fff」）][.,!?;:](\s|$)", literal), (path, literal)


# --- every label in Traditional Chinese ------------------------------------------------------------------------

def test_the_admin_index_reads_chinese_and_taggit_is_merged_into_ours(superuser_client):
    from taggit.models import Tag as TaggitTag

    assert not admin.site.is_registered(TaggitTag)
    html = superuser_client.get(reverse("admin:index")).content.decode()
    assert "/admin/taggit/" not in html
    main = html[html.index('id="content-main"'):]
    sections = re.findall(r'<caption>\s*<a [^>]*>([^<]+)</a>', main)
    models = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', main)
    assert "新聞室" in sections and "標籤" in models
    assert models.count("標籤") == 1
    for label in sections + models:
        assert not latin_words(label), label


@pytest.mark.parametrize("model", ["article", "image", "tag", "source", "glossaryterm", "backgroundjob"])
def test_list_columns_and_form_labels_are_chinese(editor_client, model):
    make_image(credit="本報攝影")
    ArticleFactory(tags=["比特幣"])  # saving queues background jobs: the job list has rows too
    changelist = editor_client.get(reverse(f"admin:articles_{model}_changelist"))
    assert changelist.status_code == 200
    for text in headers(changelist):
        assert not latin_words(str(text)), (model, text)
    # What a screen reader says: the search magnifier, the row checkboxes (the object's name), the sidebar toggle.
    for attribute in re.findall(r'(?:alt|aria-label|title)="([^"]*)"', changelist.content.decode()):
        assert not latin_words(attribute), (model, attribute)
    add = editor_client.get(reverse(f"admin:articles_{model}_add"))
    if add.status_code == 403:  # background jobs are written by the queue only
        return
    for label in re.findall(r"<label[^>]*>([^<]+)</label>", add.content.decode()):
        assert not latin_words(label), (model, label)


def test_the_tag_form_names_its_fields_in_chinese(editor_client):
    html = editor_client.get(reverse("admin:articles_tag_add")).content.decode()
    assert ">名稱：</label>" in html and ">網址代稱：</label>" in html


# --- the article list at 1280 px, at a constant query count ----------------------------------------------------

def test_the_article_list_has_the_six_columns_and_a_constant_query_count(editor_client):
    columns = headers(editor_client.get(reverse(CHANGELIST)))
    assert columns == ["標題", "狀態", "資訊來源", "轉載授權", "更新", "分享次數"]

    made = itertools.count(1)

    def queries(n: int) -> int:
        for _ in range(n):
            i = next(made)  # distinct pictures: the same file twice is one image
            ArticleFactory(source=SourceFactory(reprint_permission=["own", "none", "granted"][i % 3]),
                           original_source=SourceFactory() if i % 2 else None, tags=["比特幣", f"標籤{i}"],
                           featured_image=make_image(colour=(i, 2 * i, 3)) if i % 2 else None,
                           updated_by=UserFactory() if i % 3 else None)
        editor_client.get(reverse(CHANGELIST))  # sessions and permission caches warm
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    few = queries(2)
    many = queries(10)
    assert few == many, (few, many)


def test_the_list_shows_the_permission_state_and_pills_that_do_not_wrap(editor_client):
    ArticleFactory(title="沒有授權", source=SourceFactory(name="無授權日報", reprint_permission="none"))
    ArticleFactory(title="本站的稿", source=None)
    html = editor_client.get(reverse(CHANGELIST)).content.decode()
    assert 'data-permission-state="blocked"' in html and "尚未取得「無授權日報」的轉載授權" in html
    assert "本站原創" in html
    assert 'class="desk-pill"' in html and "admin-desk.css" in html
    css = (BASE / "static/css/admin-desk.css").read_text()
    assert re.search(r"\.desk-pill \{[^}]*white-space: nowrap", css)
    assert "-webkit-line-clamp: 2" in css


# --- the add-image form: preview before upload, focal point before saving; CSP only where needed ------------------

def test_only_the_add_image_form_may_show_blob_previews(editor_client, client):
    site = content_security_policy()
    add = editor_client.get(reverse("admin:articles_image_add"))
    policy = add["Content-Security-Policy"]
    img_src = next(d for d in policy.split("; ") if d.startswith("img-src"))
    assert "blob:" in img_src.split()
    # Nothing else changed: the same directives as the site's, img-src plus blob: only.
    assert policy.replace(" blob:", "") == site
    assert "data-focal-picker" in add.content.decode() and "admin-focal-point.js" in add.content.decode()
    for response in (client.get("/"), client.get(reverse("articles:search"), {"q": "x"}),
                     editor_client.get(reverse("admin:articles_image_changelist")),
                     editor_client.get(reverse("admin:articles_article_add"))):
        assert response["Content-Security-Policy"] == site
        assert "blob:" not in response["Content-Security-Policy"]


def test_the_focal_point_is_set_before_the_first_save(editor_client):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), (10, 120, 200)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("pick.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = editor_client.post(reverse("admin:articles_image_add"), {
        "file": upload, "focal_x": "0.250", "focal_y": "0.750", "alt_text": "港口的貨櫃", "caption": "",
        "credit": "本報攝影", "source": ""})
    assert response.status_code == 302, response.content.decode()[:1500]
    image = Image.objects.get(alt_text="港口的貨櫃")
    assert (image.focal_x, image.focal_y) == (0.25, 0.75)


# --- the media library -----------------------------------------------------------------------------------------

def test_the_media_library_lists_thumbnails_with_credit_and_ai_flag(editor_client):
    ai = make_image(credit="由無界AI 生成", ai_generated=True, alt_text="AI 畫的城市")
    photo = make_image(colour=(5, 6, 7), credit="本報攝影", alt_text="記者會")
    response = editor_client.get(reverse("admin:articles_image_changelist"))
    assert headers(response)[:4] == ["縮圖", "替代文字", "圖片來源", "AI 生成"]
    table = response.content.decode().split('id="result_list"')[1].split("</table>")[0]
    rows = {pk: row for row in table.split("<tr")[1:]
            for pk in re.findall(r'name="_selected_action" value="(\d+)"', row)}
    ai_row, photo_row = rows[str(ai.pk)], rows[str(photo.pk)]
    smallest = min((r for r in ai.renditions.all() if r.format == "WEBP" and r.spec.startswith("w")),
                   key=lambda r: r.width)
    assert f'<img src="{smallest.file.url}"' in ai_row
    assert "由無界AI 生成" in ai_row and "data-ai-generated" in ai_row
    assert "本報攝影" in photo_row and "data-ai-generated" not in photo_row
    assert 'alt="True"' not in table and 'alt="False"' not in table  # Django's boolean icons speak English


def test_the_media_library_query_count_does_not_grow_with_the_images(editor_client):
    def queries() -> int:
        editor_client.get(reverse("admin:articles_image_changelist"))
        with CaptureQueriesContext(connection) as captured:
            editor_client.get(reverse("admin:articles_image_changelist"))
        return len(captured)

    make_image(colour=(1, 1, 1))
    few = queries()
    for i in range(5):
        make_image(colour=(20 + i, 40, 60), ai_generated=bool(i % 2), credit="路透社")
    assert queries() == few
