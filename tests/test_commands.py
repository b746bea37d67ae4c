"""Management commands, run as operators run them (call_command)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import services
from articles.models import Article, GlossaryTerm, Image, Source, Tag
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_load_demo_builds_a_varied_site_and_is_safe_to_rerun(settings):
    settings.DEBUG = True
    first = run("load_demo")
    counts = (Article.objects.count(), Source.objects.count(), Image.objects.count(), Tag.objects.count())
    assert counts[0] >= 24
    assert Article.objects.published().count() >= 20
    assert set(Source.objects.values_list("reprint_permission", flat=True)) >= {"none", "granted", "public", "own"}
    assert Article.objects.filter(language="zh-hans").exists() and Article.objects.filter(language="zh-hant").exists()
    assert Image.objects.filter(ai_generated=True, credit__contains="無界AI").exists()
    # Unlicensed articles stay drafts: the reprint gate applies to the demo too.
    assert not Article.objects.published().filter(source__reprint_permission="none").exists()
    assert "editor / newsroom-demo" in first
    second = run("load_demo")
    assert (Article.objects.count(), Source.objects.count(), Image.objects.count(), Tag.objects.count()) == counts
    assert "建立 0 篇文章" in second
    assert "網站已有文章" in run("load_demo", "--if-empty")


def test_load_demo_creates_no_accounts_in_production(settings):
    from django.contrib.auth.models import User

    settings.DEBUG = False
    assert "createsuperuser" in run("load_demo")
    assert not User.objects.exists()


def test_publish_scheduled_command():
    due = ArticleFactory(status="scheduled", publish_at=timezone.now() - datetime.timedelta(minutes=2))
    assert "會發布" in run("publish_scheduled", "--dry-run")
    due.refresh_from_db()
    assert due.status == "scheduled"
    assert "published 1" in run("publish_scheduled")
    due.refresh_from_db()
    assert due.status == "published"
    assert "published 0" in run("publish_scheduled")


def test_convert_articles_applies_a_new_glossary_term_without_touching_edit_times():
    article = ArticleFactory(language="zh-hans", title="链游玩家增加", body="<p>链游很热</p>")
    updated_at = article.updated_at
    assert "鏈遊戲" not in article.title_hant
    GlossaryTerm.objects.create(simplified="链游", traditional="鏈遊戲")
    out = run("convert_articles", "--article", str(article.pk))
    assert "converted 1" in out
    article.refresh_from_db()
    assert article.title_hant == "鏈遊戲玩家增加"
    assert "鏈遊戲很熱" in article.body_hant
    assert article.updated_at == updated_at
    with pytest.raises(CommandError):
        run("convert_articles", "--article", "999999")


def test_tags_in_either_script_are_one_tag(client):
    first = services.article_publish(article=ArticleFactory(tags=["比特币"]))
    second = services.article_publish(article=ArticleFactory(tags=["比特幣"]))
    assert Tag.objects.count() == 1
    tag = Tag.objects.get()
    assert (tag.name, tag.name_hans, tag.slug) == ("比特幣", "比特币", "比特幣")
    html = client.get("/zh-hans/tags/比特幣/").content.decode()
    assert first.title_hans in html and second.title_hans in html and "比特币" in html
    response = client.get("/tags/比特币/")
    assert response.status_code == 301 and response["Location"] == "/tags/%E6%AF%94%E7%89%B9%E5%B9%A3/"
