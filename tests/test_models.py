"""Models: the one publishing rule, attribution defaults, unique import ids, unicode slugs."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Source
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_published_is_the_one_rule_readers_see():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    visible = {
        ArticleFactory(status="published", publish_at=now - hour).pk,
        ArticleFactory(status="scheduled", publish_at=now - hour).pk,  # cron late: still visible
    }
    ArticleFactory(status="draft")
    ArticleFactory(status="review", publish_at=now - hour)
    ArticleFactory(status="scheduled", publish_at=now + hour)
    ArticleFactory(status="archived", publish_at=now - hour)
    assert set(Article.objects.published().values_list("pk", flat=True)) == visible


def test_copyright_defaults_from_the_source_and_can_be_overridden():
    source = SourceFactory(copyright_notice="版權歸作者所有，未經許可，不得轉載。")
    article = ArticleFactory(source=source)
    assert article.effective_copyright == "版權歸作者所有，未經許可，不得轉載。"
    article.copyright_notice = "CC BY 4.0"
    assert article.effective_copyright == "CC BY 4.0"


def test_guid_is_unique_per_source_only():
    first, second = SourceFactory(), SourceFactory()
    ArticleFactory(source=first, guid="8btc-1")
    ArticleFactory(source=second, guid="8btc-1")
    ArticleFactory(source=first, guid="")
    ArticleFactory(source=first, guid="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(source=first, guid="8btc-1")


def test_slugs_keep_chinese_characters():
    article = ArticleFactory(title="比特幣 ETF 獲批")
    assert article.slug == "比特幣-etf-獲批"
    source = Source.objects.create(name="少數派")
    assert source.slug == "少數派"
    article.tags.add("人工智慧")
    assert article.tags.get().slug == "人工智慧"


def test_both_script_variants_are_stored_on_save():
    article = ArticleFactory(language="zh-hans", title="信息安全", body="<p>软件<a href='https://x.example/信息'>网络</a></p>")
    assert article.title_hant == "資訊安全"
    assert article.title_hans == "信息安全"
    assert "軟體" in article.body_hant and "網路" in article.body_hant
    assert 'href="https://x.example/信息"' in article.body_hant


def test_body_is_sanitised_on_save():
    article = ArticleFactory(body='<p onclick="steal()">好<script>alert(1)</script><a href="javascript:x">連結</a></p>')
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript" not in article.body
    assert "好" in article.body and "連結" in article.body
