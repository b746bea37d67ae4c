"""The mainland-usage check editors can trust: a curated list, text nodes only, a one-click fix per hit, and never
s2twp's own errors."""

from __future__ import annotations

import pytest

from articles import services
from articles.models import Article, Revision
from articles.text import chinese, mainland
from tests.factories import ArticleFactory

BODY = ('<p title="運維與合同">我們負責運維，簽了合同，資料放在公有云。</p>'
        "<pre><code>合同 = 運維(公有云)</code></pre><p>程式碼 <code>視頻</code> 與 "
        '<a href="https://example.com/視頻/信息">連結</a>。</p>')


def words(text: str, html: bool = True) -> dict[str, int]:
    return {hit.word: hit.count for hit in mainland.find(text, html=html)}


def test_finds_yunwei_hetong_and_public_cloud_and_nothing_inside_code_or_attributes():
    assert words(BODY) == {"運維": 1, "合同": 1, "公有云": 1}
    hit = {h.word: h for h in mainland.find(BODY, html=True)}["公有云"]
    assert hit.usage.taiwan == ("公有雲",) and "【公有云】" in hit.excerpt and hit.usage.reason


@pytest.mark.django_db
def test_does_not_recommend_s2twp_errors():
    text = "消息人士指出，這批設備的權限設定已更新，聲明已發布。好消息是項目參數都正常。"
    assert words(text, html=False) == {}
    assert chinese.mainland_terms(text), "precondition: the old check flagged some of these"


def test_a_word_is_flagged_only_where_it_stands_as_a_word():
    assert words("雙方結合同步推進。", html=False) == {}  # 結合｜同步, not 合同
    assert words("雙方簽訂合同。", html=False) == {"合同": 1}
    assert words("推薦演算法與算法", html=False) == {"算法": 1}  # 演算法 is the Taiwan form itself
    assert words("網址 https://example.com/運維 與 ops@運維.example", html=False) == {}


def test_classic_mainland_words_and_their_taiwan_forms():
    table = mainland.usages()
    for word, taiwan in [("信息", "資訊"), ("視頻", "影片"), ("互聯網", "網際網路"), ("默認", "預設"),
                         ("運維", "維運"), ("合同", "合約"), ("軟件", "軟體"), ("硬件", "硬體"),
                         ("網絡", "網路"), ("服務器", "伺服器"), ("產品質量", "產品品質"), ("數據庫", "資料庫"),
                         ("應用程序", "應用程式")]:
        assert taiwan in table[word].taiwan, word
    assert len(table) >= 250
    for word in ("消息人士", "設備", "權限", "質量", "程序", "數據", "項目"):
        assert word not in table, f"{word} has a Taiwan sense of its own; only phrases may be listed"


def test_replace_changes_only_what_find_flags():
    fixed, count = mainland.replace(BODY, "合同", "合約", html=True)
    assert count == 1
    assert fixed == BODY.replace("簽了合同", "簽了合約")
    with pytest.raises(ValueError):
        mainland.replace(BODY, "合同", "<b>x</b>", html=True)


@pytest.mark.django_db
def test_the_article_form_lists_hits_and_a_fix_goes_through_the_save_path(editor_client):
    article = services.article_save(article=ArticleFactory.build(title="運維團隊的合同", body=BODY,
                                                                 source=ArticleFactory().source))
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'data-mainland-hit="運維"' in page and 'data-mainland-hit="合同"' in page
    assert 'data-mainland-hit="公有云"' in page
    assert 'value="合同｜合約"' in page
    revisions = Revision.objects.filter(article=article).count()
    response = editor_client.post(f"/admin/articles/article/{article.pk}/mainland-fix/",
                                  {"mainland_fix": "合同｜合約", "base_version": article.version})
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "運維團隊的合約"
    assert "簽了合約" in article.body and "<code>合同 = 運維(公有云)</code>" in article.body
    assert 'title="運維與合同"' in article.body
    assert "签了合约" in article.body_hans
    assert Revision.objects.filter(article=article).count() == revisions + 1
    # A replacement not on the list is refused.
    editor_client.post(f"/admin/articles/article/{article.pk}/mainland-fix/",
                       {"mainland_fix": "運維｜<script>", "base_version": article.version})
    assert "<script>" not in Article.objects.get(pk=article.pk).body


@pytest.mark.django_db
def test_a_simplified_article_is_offered_a_glossary_term_not_a_body_edit(editor_client):
    # A word the converter leaves as it is (the house lexicon turns 运维 into 維運 by itself).
    article = services.article_save(article=ArticleFactory.build(
        language="zh-hans", title="网约车", body="<p>我们推出网约车服务。</p>", source=ArticleFactory().source))
    assert "網約車" in article.body_hant
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'data-mainland-hit="網約車"' in page
    assert "/admin/articles/glossaryterm/add/?simplified=" in page
    editor_client.post(f"/admin/articles/article/{article.pk}/mainland-fix/",
                       {"mainland_fix": "網約車｜叫車服務", "base_version": article.version})
    assert Article.objects.get(pk=article.pk).body == article.body


def test_a_lone_surrogate_from_a_broken_import_does_not_break_the_check():
    assert words("合同\ud800運維", html=False) == {"合同": 1, "運維": 1}
