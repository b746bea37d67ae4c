"""Which source imported records land under: the operator's binding for feeds (``--source`` or a subscription),
the outlet's site for JSON records — never a name a document gives itself, never the site's own source."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles import importers, services
from articles.models import Article, Source
from articles.services.imports import outlet_host, source_for_import, source_match
from tests.factories import SourceFactory
from tests.test_import_command import DATA, VALID, feed_server, last_line, run  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

SPOOFED_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>新聞室</title><link>https://newsroom.example/</link><language>zh-tw</language>
  <item><title>假冒本站的文章</title><link>https://evil.example/1</link><guid>evil-1</guid>
    <description>&lt;p&gt;不是我們寫的。&lt;/p&gt;</description></item>
  <item><title>第二篇</title><link>https://evil.example/2</link><guid>evil-2</guid>
    <description>&lt;p&gt;也不是。&lt;/p&gt;</description></item>
</channel></rss>
"""


@pytest.fixture
def own():
    return SourceFactory(name="新聞室", slug="newsroom", kind=Source.Kind.OWN, reprint_permission=Source.Permission.OWN,
                         homepage="https://newsroom.example/")


def write_json(folder: Path, records: list[dict], name: str = "records.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def record(guid: str, source, **extra) -> dict:
    return {"guid": guid, "title": f"標題 {guid}", "body": f"<p>內文 {guid}</p>", "source": source, **extra}


# --- the host is the outlet's identity -------------------------------------------------


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.8btc.com", "8btc.com"),
    ("http://WWW.8BTC.com:8080/news/123?x=1", "8btc.com"),
    ("https://sspai.com/", "sspai.com"),
    ("https://news.8btc.com/", "news.8btc.com"),
    ("", ""),
    ("not a url", ""),
])
def test_the_outlet_host_ignores_case_www_scheme_port_and_path(url, host):
    assert outlet_host(url) == host


def test_same_host_under_another_name_is_the_same_source(tmp_path):
    licensed = SourceFactory(name="巴比特", homepage="https://8btc.com/news", reprint_permission="granted")
    path = write_json(tmp_path, [record("a", {"name": "8BTC", "url": "http://www.8btc.com:80/"}),
                                 record("b", {"name": "Babbitt", "url": "https://8BTC.com/about"})])
    output, status = run(path)
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    assert set(Article.objects.values_list("source", flat=True)) == {licensed.pk}
    assert Source.objects.count() == 1


def test_same_name_on_another_host_is_a_new_source_that_cannot_be_published(tmp_path):
    licensed = SourceFactory(name="8BTC", homepage="https://www.8btc.com/", reprint_permission="granted")
    path = write_json(tmp_path, [record("fake", {"name": "8BTC", "url": "https://fake-8btc.example/"})])
    output, status = run(path, "--publish")
    assert status == 0  # the gate stops it: reported, not a failure of the record
    article = Article.objects.get(guid="fake")
    assert article.source != licensed and article.status == "draft"
    assert (article.source.name, article.source.homepage, article.source.reprint_permission) == (
        "8BTC（fake-8btc.example）", "https://fake-8btc.example/", "none")
    assert "未發布：尚未取得「8BTC（fake-8btc.example）」的轉載授權" in output
    assert "發布 0 篇" in output
    # Idempotent: the next run finds the same new source by its host.
    assert last_line(run(path)[0]) == "created 0, updated 0, unchanged 1, failed 0"
    assert Source.objects.count() == 2


def test_the_sites_own_name_on_a_foreign_host_gets_a_new_source_not_ours(tmp_path, own):
    path = write_json(tmp_path, [record("spoof", {"name": "新聞室", "url": "https://evil.example/"},
                                        original_source={"name": "新聞室", "url": "https://evil.example/"})])
    output, status = run(path, "--publish")
    assert status == 0
    article = Article.objects.get(guid="spoof")
    assert article.source != own and article.original_source != own
    assert article.source.name == "新聞室（evil.example）" and article.source.reprint_permission == "none"
    assert article.source.kind != Source.Kind.OWN
    assert not Article.objects.published().exists()
    assert not Article.objects.filter(source=own).exists()


def test_a_record_claiming_our_own_host_is_refused_without_an_explicit_source(tmp_path, own):
    path = write_json(tmp_path, [record("ours", {"name": "隨便", "url": "https://www.newsroom.example/"}),
                                 record("theirs", {"name": "別人", "url": "https://other.example/"})])
    output, status = run(path)
    assert status == 1 and last_line(output) == "created 1, updated 0, unchanged 0, failed 1"
    assert "record 1 (line 1): 來源網址 newsroom.example 是本站；本站的文章只能以 --source 指定來源匯入" in output
    assert not Article.objects.filter(source=own).exists()
    # The operator may say so explicitly.
    output, status = run(path, "--source", "newsroom")
    assert status == 0 and Article.objects.get(guid="ours").source == own


def test_without_a_url_only_a_source_without_a_site_matches_by_name(tmp_path, own):
    licensed = SourceFactory(name="X", homepage="https://x.example/", reprint_permission="granted")
    path = write_json(tmp_path, [record("1", "X"), record("2", {"name": "新聞室"})])
    output, status = run(path)
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    first, second = Article.objects.get(guid="1"), Article.objects.get(guid="2")
    assert first.source != licensed and first.source.name == "X（未附網址）"
    assert second.source != own and second.source.name == "新聞室（未附網址）"
    assert {first.source.reprint_permission, second.source.reprint_permission} == {"none"}
    assert last_line(run(path)[0]) == "created 0, updated 0, unchanged 2, failed 0"
    assert Source.objects.count() == 4


def test_a_new_outlet_without_a_url_is_found_again_by_name_in_either_script(tmp_path):
    run(write_json(tmp_path, [record("1", "少数派")], "a.json"))
    run(write_json(tmp_path, [record("2", "少數派")], "b.json"))
    assert Article.objects.get(guid="1").source == Article.objects.get(guid="2").source
    assert Source.objects.get().homepage == ""


def test_one_rule_for_both_formats():
    SourceFactory(name="少數派網站", homepage="https://sspai.com/")
    [rss_item, *_] = importers.read_path(DATA / "feed-rss.xml")
    [json_record, *_] = importers.read_path(VALID)
    assert rss_item.original_source.url != json_record.original_source.url  # sspai.com/ vs sspai.com
    assert source_match(rss_item.original_source) == source_match(json_record.original_source)
    assert source_for_import(importers.SourceRef("新來源", "https://new.example/a")).reprint_permission == "none"


def test_source_overrides_the_records_source_for_json_too(tmp_path):
    bound = SourceFactory(name="指定來源", slug="chosen")
    output, status = run(VALID, "--source", "chosen")
    assert status == 0
    assert set(Article.objects.values_list("source", flat=True)) == {bound.pk}
    assert Article.objects.get(guid="8btc-12345").original_source.name == "少数派"  # still by its host
    assert not Source.objects.filter(name="8BTC").exists()


def test_an_unknown_source_slug_is_a_clear_error():
    with pytest.raises(CommandError, match="找不到網址代稱為「nope」的來源"):
        call_command("import_articles", str(VALID), "--source", "nope", stdout=io.StringIO())
    assert not Article.objects.exists()


# --- feeds belong to the source the operator bound them to -----------------------------------


def test_a_feed_calling_itself_the_site_never_lands_under_our_source(tmp_path, own):
    feed = tmp_path / "spoof.xml"
    feed.write_text(SPOOFED_FEED, encoding="utf-8")
    output, status = run(feed, VALID, "--publish")
    # One failure for the whole feed file; the JSON file in the same run still lands.
    assert status == 1 and last_line(output) == "created 3, updated 0, unchanged 0, failed 1"
    assert (f"{feed}: file: RSS/Atom 摘要（自稱「新聞室」）沒有綁定來源，不會依摘要自稱的名稱決定來源："
            "請以 --source 來源代稱 指定") in output
    assert not Article.objects.filter(source=own).exists()
    assert not Article.objects.filter(guid__startswith="evil-").exists()
    assert not Article.objects.published().exists()


def test_a_feed_imports_with_source_and_publishes_only_if_that_source_may_be(tmp_path, own):
    feed = tmp_path / "spoof.xml"
    feed.write_text(SPOOFED_FEED, encoding="utf-8")
    SourceFactory(name="某網站", slug="somesite", homepage="https://evil.example/", reprint_permission="none")
    output, status = run(feed, "--source", "somesite", "--publish")
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    assert set(Article.objects.values_list("source__slug", flat=True)) == {"somesite"}
    assert "尚未取得「某網站」的轉載授權" in output and not Article.objects.published().exists()


def test_a_subscribed_feed_url_goes_to_its_subscriber_and_an_unsubscribed_one_fails(feed_server, settings, own):  # noqa: F811
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    subscribed = feed_server.route("/subscribed.xml", SPOOFED_FEED.encode())
    stranger = feed_server.route("/stranger.xml", SPOOFED_FEED.encode())
    subscriber = SourceFactory(name="訂閱的來源", feed_url=subscribed, reprint_permission="none")
    output, status = run("--url", subscribed, "--url", stranger, "--publish")
    assert status == 1 and last_line(output) == "created 2, updated 0, unchanged 0, failed 1"
    assert f"{stranger}: file: RSS/Atom 摘要（自稱「新聞室」）沒有綁定來源" in output
    assert set(Article.objects.values_list("source", flat=True)) == {subscriber.pk}
    assert not Article.objects.filter(source=own).exists() and not Article.objects.published().exists()


def test_the_service_refuses_an_unbound_feed_record():
    [item, *_] = importers.read_path(DATA / "feed-rss.xml")
    assert item.needs_binding
    with pytest.raises(importers.Invalid, match="沒有綁定來源"):
        services.article_import(record=item)
    bound = SourceFactory(name="巴比特")
    assert Article.objects.get(pk=services.article_import(record=item, source=bound).article_id).source == bound
