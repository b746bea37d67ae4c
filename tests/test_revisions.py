"""Revisions: every save keeps one; editors compare, restore, and two editors never overwrite each other."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, GlossaryTerm, Revision
from articles.text import diff
from tests.factories import ArticleFactory, SourceFactory, make_image
from tests.test_admin import article_form_data

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_each_save_keeps_a_revision_newest_first_with_who_and_what(editor):
    article = ArticleFactory(title="第一版標題", body="<p>第一版內文</p>", language="zh-hans")
    services.article_save(article=article, user=editor)
    article.title = "第二版标题"
    article.body = "<p>第二版内文</p>"
    services.article_save(article=article, user=editor)
    revisions = list(article.revisions.all())
    assert [r.title for r in revisions] == ["第二版标题", "第一版標題"]
    newest = revisions[0]
    assert newest.body == "<p>第二版内文</p>" and newest.user == editor and newest.version == article.version
    assert newest.title_hant == "第二版標題" and newest.title_hans == "第二版标题"
    assert newest.body_hant == "<p>第二版內文</p>"
    assert newest.source_pk == article.source_id and newest.status == "draft"
    assert revisions[1].version == revisions[0].version - 1


def test_an_admin_post_keeps_exactly_one_revision_with_the_tags_it_saved(editor_client, editor):
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data(status="draft"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="新的文章")
    assert article.revisions.count() == 1
    assert article.revisions.get().tags == sorted(["人工智慧", "GPT-4"])
    response = editor_client.post(change_url(article), article_form_data(article, title="改過的標題", tags="比特币"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert article.revisions.count() == 2
    newest = article.revisions.first()
    assert (newest.title, newest.tags, newest.user) == ("改過的標題", ["比特幣"], editor)
    page = editor_client.get(change_url(article)).content.decode()
    assert "data-revisions" in page and "與前一版比較" in page and 'name="base_version"' in page


def test_restore_brings_back_exact_earlier_content_and_tags_as_a_new_revision(editor):
    image = make_image()
    article = ArticleFactory(title="原本的標題", summary="原本的摘要", body="<p>原本的內文</p>",
                             featured_image=image, original_url="https://example.com/a")
    services.article_save(article=article, user=editor)
    services.article_set_tags(article=article, names=["比特幣", "以太坊"], user=editor)
    original = article.revisions.first()
    article.title, article.summary, article.body = "改寫的標題", "改寫的摘要", "<p>全部改寫</p>"
    article.featured_image = None
    article.original_url = ""
    services.article_save(article=article, user=editor)
    services.article_set_tags(article=article, names=["無關"], user=editor)
    count = article.revisions.count()

    services.revision_restore(revision=original, user=editor)

    article.refresh_from_db()
    assert (article.title, article.summary, article.body) == ("原本的標題", "原本的摘要", "<p>原本的內文</p>")
    assert article.featured_image_id == image.pk and article.original_url == "https://example.com/a"
    assert sorted(article.tags.names()) == ["以太坊", "比特幣"]
    assert article.title_hans == "原本的标题"
    assert article.revisions.count() == count + 1
    newest = article.revisions.first()
    assert newest.pk != original.pk and newest.title == "原本的標題"
    assert newest.tags == ["以太坊", "比特幣"] and "還原自版本" in newest.note


def test_restore_through_the_admin_asks_first_then_restores(editor_client):
    article = ArticleFactory(title="甲")
    services.article_save(article=article)
    first = article.revisions.first()
    article.title = "乙"
    services.article_save(article=article)
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, first.pk])
    assert "確定還原" in editor_client.get(url).content.decode()
    assert Article.objects.get(pk=article.pk).title == "乙"
    assert editor_client.post(url).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "甲"


def test_writers_may_not_restore_a_live_article(writer_client):
    article = ArticleFactory(published=True, source=SourceFactory(reprint_permission="own"))
    services.article_save(article=article)
    revision = article.revisions.first()
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, revision.pk])
    assert writer_client.post(url).status_code == 403


def test_the_diff_marks_changed_chinese_characters():
    html = diff.diff_html("人工智慧的發展很快。", "人工智能的發展非常快。")
    assert html == "人工智<del>慧</del><ins>能</ins>的發展<del>很</del><ins>非常</ins>快。"
    # Latin words stay whole; markup in the text is escaped.
    assert diff.diff_html("GPT-4 <b>", "GPT-5 <b>") == "<del>GPT-4</del><ins>GPT-5</ins> &lt;b&gt;"


def test_the_diff_view_compares_any_two_revisions(editor_client):
    article = ArticleFactory(title="人工智慧的發展", body="<p>第一段。</p><p>第二段。</p>")
    services.article_save(article=article)
    old = article.revisions.first()
    article.title = "人工智能的發展"
    article.body = "<p>第一段。</p><p>第三段。</p>"
    services.article_save(article=article)
    new = article.revisions.first()
    url = reverse("admin:articles_article_revision_diff", args=[article.pk]) + f"?from={old.pk}&to={new.pk}"
    page = editor_client.get(url).content.decode()
    assert "人工智<del>慧</del><ins>能</ins>的發展" in page
    assert "第<del>二</del><ins>三</ins>段" in page
    other = ArticleFactory()
    services.article_save(article=other)
    foreign = reverse("admin:articles_article_revision_diff", args=[article.pk])
    assert editor_client.get(foreign + f"?from={other.revisions.first().pk}&to={new.pk}").status_code == 404


def test_pruning_keeps_the_last_n_one_per_day_and_the_published_revision(settings, editor):
    settings.REVISIONS_KEEP = 3
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_publish(article=article, user=editor)
    published = article.revisions.get()
    services.article_unpublish(article=article, user=editor)
    # An older day's last revision survives too.
    old_day = article.revisions.first()
    Revision.objects.filter(pk=old_day.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    Revision.objects.filter(pk=published.pk).update(created_at=timezone.now() - datetime.timedelta(days=4))
    for n in range(6):
        article.title = f"草稿第{n}次修改"
        services.article_save(article=article, user=editor)
    kept = list(article.revisions.values_list("pk", flat=True))
    assert published.pk in kept and old_day.pk in kept
    assert len(kept) == 5  # the newest three, one older day, the published content
    assert article.revisions.first().title == "草稿第5次修改"


def test_pruning_never_deletes_the_revision_readers_see(settings, editor):
    settings.REVISIONS_KEEP = 2
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_publish(article=article, user=editor)
    published = article.revisions.get()
    Revision.objects.filter(pk=published.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    article.status = Article.Status.DRAFT
    for n in range(4):
        article.title = f"第{n}次"
        services.article_save(article=article, user=editor)
    assert article.revisions.filter(pk=published.pk).exists()
    assert article.revisions.count() == 3


def test_conversion_after_a_glossary_change_keeps_a_revision(editor):
    article = ArticleFactory(title="链游玩家增加", body="<p>链游很热</p>", language="zh-hans")
    services.article_save(article=article)
    unchanged = ArticleFactory(title="無關", body="<p>無關</p>")
    services.article_save(article=unchanged)
    GlossaryTerm.objects.create(simplified="链游", traditional="鏈遊戲")
    services.articles_convert()
    newest = article.revisions.first()
    assert newest.title_hant == "鏈遊戲玩家增加" and "重新轉換" in newest.note
    assert article.revisions.count() == 2
    assert unchanged.revisions.count() == 1


def test_every_save_increments_the_version_and_a_stale_save_is_refused(editor):
    article = ArticleFactory()
    services.article_save(article=article)
    base = article.version
    services.article_save(article=article, expected_version=base)
    assert Article.objects.get(pk=article.pk).version == base + 1
    article.title = "過時的修改"
    with pytest.raises(services.ArticleConflict):
        services.article_save(article=article, expected_version=base)
    assert Article.objects.get(pk=article.pk).title != "過時的修改"


def test_the_second_of_two_concurrent_admin_edits_is_refused_and_the_first_kept(editor_client, writer_client):
    article = ArticleFactory(title="原始標題")
    services.article_save(article=article)
    first = article_form_data(article, title="第一位編輯的標題", body="<p>第一位的內文</p>")
    second = article_form_data(article, title="第二位編輯的標題", body="<p>第二位的內文</p>")
    assert first["base_version"] == second["base_version"]

    assert editor_client.post(change_url(article), first).status_code == 302
    response = writer_client.post(change_url(article), second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "已被其他人儲存" in page and "data-conflict-diff" in page
    article.refresh_from_db()
    assert (article.title, article.body) == ("第一位編輯的標題", "<p>第一位的內文</p>")
    assert article.revisions.first().title == "第一位編輯的標題"
    # The link compares the second editor's base with what the first saved.
    base = article.revisions.get(version=second["base_version"])
    assert f"?from={base.pk}&amp;to={article.revisions.first().pk}" in page


def test_a_change_post_without_a_version_is_refused(editor_client):
    article = ArticleFactory(title="原始標題")
    data = article_form_data(title="沒有版本的修改")
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200 and "表單缺少版本資訊" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "原始標題"
