"""The editors' admin: every page loads for both roles; the workflow is enforced on the server."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article, Image, Source
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db


def article_form_data(article=None, **overrides):
    """The article form as the admin posts it; for an existing ``article``, based on its stored version."""
    data = {
        "title": "新的文章", "slug": "", "summary": "摘要", "body": "<p>內文</p>", "language": "zh-hant",
        "author": "編輯部", "tags": "人工智慧, GPT-4", "featured_image": "", "source": "", "original_source": "",
        "original_url": "", "copyright_notice": "", "guid": "", "status": "draft", "publish_at_0": "",
        "publish_at_1": "",
    }
    if article is not None:
        data["base_version"] = Article.objects.values_list("version", flat=True).get(pk=article.pk)
    data.update(overrides)
    return data


@pytest.fixture
def some_content():
    source = SourceFactory()
    image = make_image(credit="由無界AI 生成", ai_generated=True)
    article = ArticleFactory(source=source, featured_image=image, tags=["比特幣"])
    return {"source": source, "image": image, "article": article, "tag": article.tags.get()}


@pytest.mark.parametrize("role", ["writer_client", "editor_client"])
def test_every_admin_page_loads_for_both_roles(request, role, some_content):
    client = request.getfixturevalue(role)
    pages = [reverse("admin:index")]
    for model in ("article", "source", "image", "tag"):
        pages.append(reverse(f"admin:articles_{model}_changelist"))
        pages.append(reverse(f"admin:articles_{model}_change", args=[some_content[model].pk]))
    pages += [reverse("admin:articles_article_add"), reverse("admin:articles_image_add"),
              reverse("admin:articles_article_preview", args=[some_content["article"].pk])]
    if role == "editor_client":
        pages += [reverse("admin:articles_source_add"), reverse("admin:articles_importrun_changelist"),
                  reverse("admin:articles_glossaryterm_changelist"), reverse("admin:articles_glossaryterm_add"),
                  reverse("admin:articles_article_most_shared")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    changelist = client.get(reverse("admin:articles_article_changelist"), {"q": "測試", "status__exact": "draft"})
    assert some_content["article"].title in changelist.content.decode()


def test_writers_may_not_add_sources(writer_client):
    assert writer_client.get(reverse("admin:articles_source_add")).status_code == 403


def test_writer_posting_published_keeps_the_article_a_draft_and_says_why(writer_client, writer):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = writer_client.post(url, article_form_data(article, title=article.title, status="published"))
    assert response.status_code == 200
    assert "只有編輯可以發布、排程或封存文章" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_writer_creates_a_draft_and_sends_it_to_review(writer_client, writer):
    response = writer_client.post(reverse("admin:articles_article_add"), article_form_data(status="review"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="新的文章")
    assert article.status == Article.Status.REVIEW
    assert article.created_by == writer and article.updated_by == writer
    assert sorted(article.tags.names()) == ["GPT-4", "人工智慧"]


def test_writer_running_the_publish_action_leaves_drafts_and_sees_why(writer_client):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    response = writer_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "action_publish", "_selected_action": [article.pk]},
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("只有編輯可以發布文章" in m for m in messages), messages
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_writers_cannot_edit_a_live_article(writer_client):
    article = ArticleFactory(published=True)
    url = reverse("admin:articles_article_change", args=[article.pk])
    writer_client.post(url, article_form_data(article, title="改掉已發布的標題", status="published"))
    article.refresh_from_db()
    assert article.title != "改掉已發布的標題"


def test_editor_publishes_from_the_form(editor_client, editor):
    source = SourceFactory(reprint_permission="granted")
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(status="published", source=source.pk)
    )
    assert response.status_code == 302
    article = Article.objects.get(title="新的文章")
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at is not None
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert article.created_by == editor


def test_editor_sees_the_reprint_gate_in_the_form(editor_client):
    source = SourceFactory(name="未授權日報", reprint_permission=Source.Permission.NONE)
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(status="published", source=source.pk)
    )
    assert response.status_code == 200
    assert "尚未取得「未授權日報」的轉載授權" in response.content.decode()
    assert not Article.objects.filter(title="新的文章").exists()


def test_editor_schedules_for_the_future_only(editor_client):
    source = SourceFactory(reprint_permission="public")
    past = article_form_data(status="scheduled", source=source.pk, publish_at_0="2020-01-01", publish_at_1="08:00")
    response = editor_client.post(reverse("admin:articles_article_add"), past)
    assert "排程時間必須在未來" in response.content.decode()
    future = dict(past, publish_at_0="2099-01-01")
    assert editor_client.post(reverse("admin:articles_article_add"), future).status_code == 302
    article = Article.objects.get(title="新的文章")
    assert article.status == Article.Status.SCHEDULED
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_bulk_actions_go_through_the_reprint_gate(editor_client):
    good = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    blocked = ArticleFactory(source=SourceFactory(name="無授權", reprint_permission="none"))
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "action_publish", "_selected_action": [good.pk, blocked.pk], "post": "yes"},  # confirmed
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith(f"已發布 1 篇文章：「{good.title}」") for m in messages), messages
    assert any("無授權" in m for m in messages)
    good.refresh_from_db()
    blocked.refresh_from_db()
    assert good.status == "published" and blocked.status == "draft"
    editor_client.post(reverse("admin:articles_article_changelist"),
                       {"action": "action_unpublish", "_selected_action": [good.pk]})
    good.refresh_from_db()
    assert good.status == "draft"


def test_preview_shows_a_draft_as_readers_will_see_it_and_is_never_cached(editor_client, client):
    article = ArticleFactory(title="尚未發布的獨家", source=SourceFactory(name="鏈聞"))
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未發布的獨家" in html and "data-attribution" in html and "預覽" in html
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert client.get(url).status_code == 302  # readers are sent to the login page
    assert client.get(article.get_absolute_url()).status_code == 404


def test_image_upload_rejects_non_images_and_duplicates(editor_client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("evil.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": bad, "alt_text": "x"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Image.objects.filter(alt_text="x").exists()
    existing = make_image(colour=(1, 2, 3))
    existing.file.open("rb")
    duplicate = SimpleUploadedFile("again.jpg", existing.file.read(), content_type="image/jpeg")
    response = editor_client.post(reverse("admin:articles_image_add"), {"file": duplicate, "alt_text": "x"})
    assert "相同的圖片已經上傳過" in response.content.decode()
