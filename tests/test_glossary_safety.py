"""A glossary that cannot damage text: markup and control characters refused; terms that straddle words in the
site's own articles, or whose Traditional side is much longer, warned about with examples and saved only once
confirmed; every term's effect on the articles shown, before and after, before it is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles import services
from articles.models import Article, GlossaryTerm
from articles.services.glossary import glossary_term_preview, glossary_term_warnings
from articles.text import boundaries, chinese
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def hans_article(body: str, title: str = "测试文章") -> Article:
    return services.article_save(article=ArticleFactory.build(title=title, body=f"<p>{body}</p>", language="zh-hans",
                                                              source=ArticleFactory().source))


def unmarked(excerpt: str) -> str:
    return excerpt.replace("【", "").replace("】", "")


# --- markup and control characters ------------------------------------------------


@pytest.mark.parametrize("traditional", [
    "<meta http-equiv=refresh>", "<meta/http-equiv=refresh>", "內捲<b>", "內&amp;捲", '內"捲', "內'捲", "<!--內捲",
    "內\x00捲", "內\u202e捲", "內\u200b捲", "內\x1b捲",
])
def test_markup_and_control_characters_are_refused_on_the_traditional_side(traditional):
    with pytest.raises(ValidationError) as excinfo:
        services.glossary_term_save(term=GlossaryTerm(simplified="内卷", traditional=traditional), confirmed=True)
    assert "traditional" in excinfo.value.message_dict
    assert any(word in " ".join(excinfo.value.message_dict["traditional"])
               for word in ("標籤", "標記字元", "控制字元", "空格")), excinfo.value.message_dict
    assert not GlossaryTerm.objects.exists()


@pytest.mark.parametrize("simplified", ["<b>内卷", "内卷>", "内&卷", "内\u200d卷", "内\x7f卷"])
def test_markup_and_control_characters_are_refused_on_the_simplified_side(simplified):
    with pytest.raises(ValidationError) as excinfo:
        services.glossary_term_save(term=GlossaryTerm(simplified=simplified, traditional="內捲"), confirmed=True)
    assert "simplified" in excinfo.value.message_dict
    assert not GlossaryTerm.objects.exists()


def test_a_markup_term_already_in_the_database_never_reaches_a_body():
    """A row written before the checks (or by a bare queryset) is left out of the glossary every conversion uses."""
    GlossaryTerm.objects.create(simplified="内卷", traditional="<meta/http-equiv=refresh>")
    assert "<meta" not in chinese.convert_html("<p>行业内卷</p>", chinese.to_hant)
    article = hans_article("行业内卷")
    assert "<meta" not in article.body_hant


# --- warnings -----------------------------------------------------------------------


def test_the_segmenter_sees_where_a_phrase_straddles_words():
    assert [c.excerpt for c in boundaries.crossings("放大模型的细节", "大模型")] == ["放【大模型】的细节"]
    assert boundaries.crossings("我们发布大模型。大模型时代", "大模型") == []
    assert boundaries.crossings("人卷人", "卷人")
    assert boundaries.crossings("建立数据库", "数据")  # part of a longer word
    # A new word the dictionary lacks is read as 链｜游玩｜家, but as a word it leaves 玩家, not a stray character.
    assert boundaries.crossings("链游玩家越来越多。", "链游") == []


def test_a_term_straddling_words_in_existing_articles_is_warned_with_examples_and_refused_unconfirmed():
    article = hans_article("把图片放大模型就能看清细节。我们也发布大模型。")
    term = GlossaryTerm(simplified="大模型", traditional="大型模型")
    (warning,) = glossary_term_warnings(term=term)
    assert warning.kind == "boundary"
    (example,) = warning.examples  # 发布大模型 stands as words: not an example
    assert example.article_id == article.pk and "图片放【大模型】就能" in example.excerpt
    assert "放大｜模型" in example.words
    with pytest.raises(ValidationError) as excinfo:
        services.glossary_term_save(term=term)
    assert "跨越了詞的邊界" in str(excinfo.value)
    assert not GlossaryTerm.objects.exists()
    services.glossary_term_save(term=term, confirmed=True)
    assert GlossaryTerm.objects.filter(simplified="大模型").exists()


def test_a_term_that_stands_as_a_word_everywhere_has_no_warning():
    hans_article("我们发布大模型。大模型时代已经到来。")
    assert glossary_term_warnings(term=GlossaryTerm(simplified="大模型", traditional="大型模型")) == ()
    services.glossary_term_save(term=GlossaryTerm(simplified="大模型", traditional="大型模型"))


def test_a_much_longer_traditional_side_is_warned_and_refused_unconfirmed():
    term = GlossaryTerm(simplified="卷人", traditional="成交量人")
    assert [w.kind for w in glossary_term_warnings(term=term)] == ["length"]
    with pytest.raises(ValidationError) as excinfo:
        services.glossary_term_save(term=term)
    assert "成交量人" in str(excinfo.value)
    # One more character is an ordinary Taiwan form (互联网 → 網際網路), not a warning.
    assert glossary_term_warnings(term=GlossaryTerm(simplified="互联网", traditional="網際網路")) == ()


# --- the preview ----------------------------------------------------------------------


def test_the_preview_shows_the_damage_of_juan_ren_in_both_scripts_before_anything_is_saved():
    article = hans_article("这个行业已经变成人卷人的游戏。", title="行业观察")
    before_hant = Article.objects.get(pk=article.pk).body_hant
    impact = glossary_term_preview(term=GlossaryTerm(simplified="卷人", traditional="成交量人"))
    assert impact.needs_confirmation
    assert [w.kind for w in impact.warnings] == ["boundary", "length"]
    assert "人【卷人】的" in impact.warnings[0].examples[0].excerpt  # the segmenter reads 人卷 as a word here
    (changed,) = impact.articles
    assert changed.article_id == article.pk and changed.title == "行业观察"
    hant = [c for c in changed.changes if c.script == "繁體（台灣）"]
    assert hant and "人卷人" in unmarked(hant[0].before)
    assert "人成交量人" in unmarked(hant[0].after)
    # Nothing was saved: no term, the article's stored variants unchanged, and conversion as before.
    assert not GlossaryTerm.objects.exists()
    assert Article.objects.get(pk=article.pk).body_hant == before_hant
    assert "人成交量人" not in chinese.to_hant("人卷人")


def test_the_preview_of_a_traditional_article_shows_its_simplified_variant_changing():
    article = services.article_save(article=ArticleFactory.build(body="<p>鏈遊戲玩家越來越多。</p>",
                                                                 source=ArticleFactory().source))
    impact = glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲"))
    (changed,) = impact.articles
    assert changed.article_id == article.pk
    assert {c.script for c in changed.changes} == {"简体"}
    assert "链游玩家" in unmarked(changed.changes[0].after)


def test_a_term_changing_no_article_needs_no_confirmation():
    hans_article("今天天气很好。")
    impact = glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲"))
    assert not impact.needs_confirmation and impact.changed_count == 0


def test_the_token_changes_with_the_values_and_the_outcome():
    hans_article("链游玩家越来越多。")
    one = glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲")).token
    assert one == glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲")).token
    assert one != glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊")).token
    hans_article("又一个链游上线。")
    assert one != glossary_term_preview(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲")).token


def test_editing_a_term_previews_against_the_current_one_and_applies_to_its_articles():
    article = hans_article("链游玩家越来越多。")
    term = services.glossary_term_save(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲"), apply=True)
    assert term.applied_count == 1
    assert "鏈遊戲玩家" in Article.objects.get(pk=article.pk).body_hant
    term.traditional = "區塊鏈遊戲"
    impact = glossary_term_preview(term=term)
    (changed,) = impact.articles
    hant = [c for c in changed.changes if c.script == "繁體（台灣）"][0]
    assert "鏈遊戲" in unmarked(hant.before) and "區塊鏈遊戲" in unmarked(hant.after)
    assert GlossaryTerm.objects.get().traditional == "鏈遊戲"  # the preview saved nothing
    services.glossary_term_save(term=term, user=UserFactory(), confirmed=True, apply=True)
    assert "區塊鏈遊戲玩家" in Article.objects.get(pk=article.pk).body_hant


# --- the admin form: preview, then confirm --------------------------------------------------


ADD_URL = "/admin/articles/glossaryterm/add/"


def post_term(client, simplified, traditional, **extra):
    return client.post(ADD_URL, {"simplified": simplified, "traditional": traditional, "note": "", "active": "on",
                                 **extra})


def test_the_admin_refuses_markup_with_a_clear_error(editor_client):
    response = post_term(editor_client, "内卷", "<meta/http-equiv=refresh>")
    assert response.status_code == 200
    assert "詞條不能含有 HTML 標籤" in response.content.decode()
    assert not GlossaryTerm.objects.exists()


def test_the_admin_shows_juan_ren_with_its_damage_and_saves_only_once_confirmed(editor_client):
    article = hans_article("这个行业已经变成人卷人的游戏。")
    response = post_term(editor_client, "卷人", "成交量人")
    page = response.content.decode()
    assert response.status_code == 200 and not GlossaryTerm.objects.exists()
    assert "data-glossary-impact" in page and 'data-glossary-warning="length"' in page
    assert f'data-glossary-article="{article.pk}"' in page
    assert "<td data-before>…段摘要。 這個行業已經變成【人卷人】的遊戲。</td>" in page
    assert "<td data-after>…段摘要。 這個行業已經變成【人成交量人】的遊戲。</td>" in page
    token = response.context["adminform"].form.impact.token
    assert f'value="{token}"' in page
    # Ticking without the token the preview was shown for is not a confirmation.
    post_term(editor_client, "卷人", "成交量人", confirm="on", confirm_token="stale")
    assert not GlossaryTerm.objects.exists()
    response = post_term(editor_client, "卷人", "成交量人", confirm="on", confirm_token=token)
    assert response.status_code == 302
    assert GlossaryTerm.objects.get().traditional == "成交量人"
    assert "人成交量人" in Article.objects.get(pk=article.pk).body_hant  # applied once confirmed


def test_the_admin_asks_again_when_the_term_changed_after_the_preview(editor_client):
    hans_article("把图片放大模型就能看清细节。")
    response = post_term(editor_client, "大模型", "大型模型")
    assert 'data-glossary-warning="boundary"' in response.content.decode()
    token = response.context["adminform"].form.impact.token
    response = post_term(editor_client, "大模型", "大模型們", confirm="on", confirm_token=token)
    assert response.status_code == 200 and not GlossaryTerm.objects.exists()


def test_a_term_that_changes_nothing_saves_at_once(editor_client):
    response = post_term(editor_client, "链游", "鏈遊戲")
    assert response.status_code == 302
    assert GlossaryTerm.objects.filter(simplified="链游").exists()
