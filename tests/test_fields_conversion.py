"""Every text a reader is shown exists in both scripts, derived at write time, and a page shows its own script's:
bylines, pictures' alt text, captions and credits, sources' names (issue 16, step 4a)."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from articles import pages, selectors, services
from articles.models import Article, Image, Source
from articles.text import chinese, variants
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db

# Addresses are not text: a URL keeps its characters whatever the script (…/视频/信息 stays as it is).
_URL_RE = re.compile(r"(?:https?://|mailto:|/)[^\s\"'<>，。；、）)]*")
# Attributes whose value is read (or heard) by a reader; everything else is an address, a number or a token.
_READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "data-copied-text"}
# Never converted on purpose: code keeps its bytes.
_VERBATIM = {"code", "pre", "kbd", "samp", "style"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _ReaderText(HTMLParser):
    """What a reader of a page reads: its text nodes, read attributes and JSON-LD strings, each with where it
    stands; code, and elements marked ``lang="zh-Hans"`` (the link to the Simplified site, labelled 简体 in its own
    script on purpose), left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.found: list[tuple[str, str]] = []
        self.json_ld = False

    def _skipped(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skipped = tag in _VERBATIM or (attributes.get("lang") or "").lower().startswith("zh-hans")
        if not self._skipped() and not skipped:
            for name, value in attrs:
                if name in _READ_ATTRIBUTES and value:
                    self.found.append((f"<{tag} {name}>", value))
        self.json_ld = tag == "script" and attributes.get("type") == "application/ld+json"
        if tag == "script" and not self.json_ld:
            skipped = True
        if tag not in _VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self.json_ld = False

    def handle_data(self, data):
        if self._skipped() or not data.strip():
            return
        if self.json_ld:
            self.found.extend(("JSON-LD", value) for value in _strings(json.loads(data)))
        else:
            where = self.stack[-1][0] if self.stack else "document"
            self.found.append((f"<{where}>", data))


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def reader_text(html: str) -> list[tuple[str, str]]:
    """``(where, text)`` for every piece of ``html`` a reader reads, addresses taken out."""
    parser = _ReaderText()
    parser.feed(html)
    parser.close()
    return [(where, _URL_RE.sub(" ", text)) for where, text in parser.found]


# Both are Taiwan Traditional (台灣, 一台); OpenCC's tables prefer 臺. Not a Simplified character on the page.
TAIWAN_VARIANTS = {("台", "臺")}


def script_changes(text: str) -> list[chinese.Change]:
    """What ``chinese.to_hant`` changes in ``text`` that is a change of characters, not of wording:

    * a span written in Simplified form (``to_hans`` leaves it) that becomes its own Traditional form (``to_hans``
      brings it back): 编译 → 編譯, 简体 → 簡體, 信息 → 資訊;
    * or a span holding a Simplified character (one ``to_hant`` changes on its own and ``to_hans`` leaves), whatever
      word the converter makes of it: the 体 of 字体 → 字型.

    Traditional text that the converter would word differently (字體 → 字型, 聲明 → 宣告, 消息 → 訊息: another Taiwan
    word, right or wrong) is not a field left unconverted: it is the converter's and the mainland-usage check's
    business, and it is counted by neither rule."""
    found = []
    for change in chinese.changes(text, chinese.to_hant(text)):
        simplified = chinese.to_hans(change.before)
        converted = simplified == change.before and chinese.to_hans(change.after) == simplified
        pairs = set(zip(change.before, change.after, strict=False))
        if converted and len(change.before) == len(change.after) and all(
                a == b or (a, b) in TAIWAN_VARIANTS for a, b in pairs):
            continue
        if converted or any(_simplified_character(c) for c in change.before):
            found.append(change)
    return found


def _simplified_character(char: str) -> bool:
    traditional = chinese.to_hant(char)
    return (_has_cjk(char) and traditional != char and chinese.to_hans(char) == char
            and (char, traditional) not in TAIWAN_VARIANTS)


def not_traditional(html: str) -> list[tuple[str, str, list[chinese.Change]]]:
    """``(where, text, changes)`` for each piece a Traditional reader reads in which ``chinese.to_hant`` would still
    change characters: a Simplified character, byline, alt text or caption left on the page."""
    found = []
    for where, text in reader_text(html):
        if _has_cjk(text):
            changes = script_changes(text)
            if changes:
                found.append((where, text, changes))
    return found


def _has_cjk(text: str) -> bool:
    return re.search(r"[\u3400-\u9fff]", text) is not None


# --- the check itself can fail --------------------------------------------------------------------------


def test_the_check_finds_simplified_text_wherever_a_reader_reads_it():
    page = (
        '<html><head><meta name="description" content="本站记者报道">'
        '<script type="application/ld+json">{"author": {"name": "编译／周子涵"}, "url": "https://x.example/视频"}'
        '</script></head><body><p class="byline">编译／李思远</p><img src="/media/图片.jpg" alt="深蓝色的渐层">'
        '<a href="/tags/比特币/" title="标签">比特幣</a><pre><code>软件 = 1</code></pre>'
        '<a href="/zh-hans/" lang="zh-Hans">简体</a><p>網址 https://example.com/视频/信息 不算</p></body></html>'
    )
    offenders = {text.strip() for _where, text, _changes in not_traditional(page)}
    assert offenders == {"本站记者报道", "编译／周子涵", "编译／李思远", "深蓝色的渐层", "标签"}
    # Traditional wording the converter would word differently is not a Simplified character.
    assert not_traditional("<p>一台伺服器在台灣，字體與版權聲明</p>") == []
    assert [c.before for c in script_changes("我們的字体")] == ["体"]
    checked = " ".join(text for _where, text in reader_text(page))
    assert "比特幣" in checked and "網址" in checked  # it does read links and text beside URLs
    assert "软件" not in checked and "简体" not in checked and "视频" not in checked


# --- each field ---------------------------------------------------------------------------------------------


def test_a_byline_is_stored_in_both_scripts_from_the_articles_script():
    simplified = ArticleFactory(language="zh-hans", title="信息安全", author="编译／李思远")
    assert (simplified.author_hant, simplified.author_hans) == ("編譯／李思遠", "编译／李思远")
    traditional = ArticleFactory(language="zh-hant", title="資訊安全", author="記者／黃詩涵")
    assert (traditional.author_hant, traditional.author_hans) == ("記者／黃詩涵", "记者／黄诗涵")
    simplified.author = "本站记者／刘晨"
    simplified.save(update_fields=["author"])
    simplified.refresh_from_db()
    assert simplified.author_hant == "本站記者／劉晨"


def test_picture_texts_are_stored_in_both_scripts_as_typed_in_their_own():
    image = make_image(alt_text="深蓝色背景上的节点网络", caption="示意图：区块链", credit="由无界AI 生成")
    assert (image.alt_hant, image.alt_hans) == ("深藍色背景上的節點網路", "深蓝色背景上的节点网络")
    assert (image.caption_hant, image.credit_hant) == ("示意圖：區塊鏈", "由無界AI 生成")
    # Typed in Traditional: kept as typed for Traditional readers (s2twp would write 一臺, 臺灣).
    typed = make_image(colour=(10, 20, 30), alt_text="一台發光的伺服器", caption="台灣的機房", credit="本報攝影")
    assert (typed.alt_hant, typed.caption_hant) == ("一台發光的伺服器", "台灣的機房")
    assert (typed.alt_hans, typed.caption_hans) == ("一台发光的服务器", "台湾的机房")


def test_a_source_name_typed_in_traditional_reaches_traditional_readers_as_typed():
    source = SourceFactory(name="台灣日報", copyright_notice="版權所有")
    assert (source.name_hant, source.name_hans) == ("台灣日報", "台湾日报")
    simplified = SourceFactory(name="区块链日报")
    assert (simplified.name_hant, simplified.name_hans) == ("區塊鏈日報", "区块链日报")


def test_the_script_a_text_was_typed_in_is_judged_by_what_conversion_rewrites():
    # Text of characters both scripts share is kept as typed: a name's words are its own (八比特 is not 八位元).
    for text in ("一台發光的伺服器", "台灣日報", "GPT-4", "", "公司", "八比特"):
        assert variants.both_ways(text)[0] == text, text
    for text in ("信息时报", "编译／周子涵", "台湾日报"):
        assert variants.both_ways(text)[1] == text, text
        assert variants.both_ways(text)[0] == chinese.to_hant(text), text


@pytest.fixture
def simplified_story():
    source = SourceFactory(name="区块链日报", reprint_permission="public")
    image = make_image(alt_text="深蓝色背景上的节点网络", caption="示意图：区块链的节点网络", credit="由无界AI 生成",
                       ai_generated=True)
    article = ArticleFactory(language="zh-hans", title="信息安全风暴席卷而来", summary="软件供应链受到冲击",
                             author="编译／周子涵", body="<p>服务器与网络</p>", source=source,
                             featured_image=image, tags=["比特币"])
    return services.article_publish(article=article)


def test_the_traditional_page_shows_every_field_in_traditional(client, simplified_story):
    html = client.get(simplified_story.get_absolute_url()).content.decode()
    assert '<span class="byline">編譯／周子涵</span>' in html
    assert 'alt="深藍色背景上的節點網路"' in html and 'content="深藍色背景上的節點網路"' in html
    assert "示意圖：區塊鏈的節點網路" in html and "由無界AI 生成" in html
    assert '"author": {"@type": "Person", "name": "編譯／周子涵"}' in html
    assert not_traditional(html) == []


def test_the_simplified_page_shows_every_field_in_simplified(client, simplified_story):
    html = client.get("/zh-hans" + simplified_story.get_absolute_url()).content.decode()
    assert '<span class="byline">编译／周子涵</span>' in html
    assert 'alt="深蓝色背景上的节点网络"' in html and "示意图：区块链的节点网络" in html
    assert '"name": "编译／周子涵"' in html
    assert "編譯" not in html and "節點" not in html


def test_the_stored_pages_and_cards_show_each_script(simplified_story):
    article = selectors.article_get_listed(pk=simplified_story.pk)
    hant = pages.render(article, [], chinese.HANT) + pages.render_card(article, chinese.HANT)
    assert "編譯／周子涵" in hant and "深藍色背景上的節點網路" in hant and not_traditional(hant) == []
    hans = pages.render(article, [], chinese.HANS)
    assert "编译／周子涵" in hans and "深蓝色背景上的节点网络" in hans


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_feeds_carry_the_byline_and_alt_text_in_the_readers_script(client, simplified_story, path):
    hant = client.get(path).content.decode()
    assert "編譯／周子涵" in hant and "深藍色背景上的節點網路" in hant and "编译" not in hant
    hans = client.get("/zh-hans" + path).content.decode()
    assert "编译／周子涵" in hans and "深蓝色背景上的节点网络" in hans and "編譯" not in hans


def test_convert_articles_rederives_bylines(simplified_story):
    Article.objects.filter(pk=simplified_story.pk).update(author_hant="", author_hans="")
    call_command("convert_articles", stdout=io.StringIO())
    simplified_story.refresh_from_db()
    assert (simplified_story.author_hant, simplified_story.author_hans) == ("編譯／周子涵", "编译／周子涵")


# --- the demo ------------------------------------------------------------------------------------------------


def test_no_traditional_page_of_the_demo_shows_simplified_text(client, settings):
    """Every demo article's Traditional page (its card too; the live page for public ones, the stored render for
    all, drafts included), its feed and the home page: nothing a reader reads outside URLs and code changes under
    Taiwan conversion — no Simplified byline, alt text, caption, credit, source name or character."""
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) >= 24
    simplified_bylines = [a for a in articles if a.language == "zh-hans" and chinese.to_hant(a.author) != a.author]
    assert len(simplified_bylines) >= 5  # the demo does have Simplified bylines to convert
    offenders: dict[str, list] = {}
    missing: list[tuple[str, str]] = []
    checked = 0
    for article in articles:
        shown = selectors.article_get_for_preview(pk=article.pk)
        rendered = [pages.render(shown, selectors.article_related_list(article=shown), chinese.HANT),
                    pages.render_card(shown, chinese.HANT)]
        if Article.objects.published().filter(pk=article.pk).exists():
            response = client.get(article.get_absolute_url())
            assert response.status_code == 200, article.guid
            rendered.append(response.content.decode())
        for html in rendered:
            checked += len(reader_text(html))
            found = not_traditional(html)
            if found:
                offenders.setdefault(article.guid, []).extend(found)
        page = rendered[0]
        if f'<span class="byline">{article.author_hant}</span>' not in page:
            missing.append((article.guid, "byline"))
        if article.featured_image_id and f'alt="{article.featured_image.alt_hant}"' not in page:
            missing.append((article.guid, "alt"))
    for path in ("/", "/feed/"):
        html = client.get(path).content.decode()
        if path == "/feed/":  # the items' HTML is escaped inside the XML: read it as the reader's client does
            html = re.sub(r"&lt;", "<", re.sub(r"&gt;", ">", re.sub(r"&amp;", "&", html)))
        found = not_traditional(html)
        if found:
            offenders[path] = found
    assert checked > 1000  # the check read real pages, not an empty list
    assert offenders == {}
    assert missing == []


def test_demo_pictures_and_sources_have_both_scripts(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    for image in Image.objects.all():
        assert image.alt_hant and image.alt_hans and image.caption_hant and image.credit_hant, image.pk
        assert script_changes(image.alt_hant) == [] and script_changes(image.caption_hant) == [], image.pk
    for source in Source.objects.all():
        assert source.name_hant and source.name_hans, source.slug
        assert script_changes(source.name_hant) == [], source.slug
