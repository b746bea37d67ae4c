"""The article form's side panel (static/js/admin-scripts-panel.js): the text in the other script and the mainland
usages in the Traditional text, as the editor types. Converted here, on the server, by the save's own path
(``Article.derive_variants``), so the panel shows exactly what saving will store."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path

from articles.admin import mainland
from articles.admin.articles.jsonapi import BadPayload, json_error, json_ok, read_object
from articles.models import Article
from articles.text import chinese, sanitize
from newsroom import ratelimit

SCRIPTS_MAX_BYTES = 512 * 1024  # title, summary and a long body; longer is refused, not converted
SCRIPTS_RATE_LIMIT = (120, 60)  # per user: a debounced panel asks far less often than this
OTHER = {chinese.HANT: chinese.HANS, chinese.HANS: chinese.HANT}


def other_script(*, title: str, summary: str, body: str, language: str) -> dict:
    """The other script's title, summary and (sanitised) body, and the mainland usages in the Traditional text."""
    article = Article(title=title, summary=summary, body=sanitize.clean_html(body), language=language)
    with chinese.one_glossary():
        article.derive_variants()
    suffix = "hans" if language == chinese.HANT else "hant"
    hits = [{"word": row["usage"].word, "taiwan": list(row["usage"].taiwan), "reason": row["usage"].reason,
             "count": row["count"], "excerpt": row["excerpt"]} for row in mainland.article_hits(article)]
    return {
        "language": OTHER[language],
        "title": getattr(article, f"title_{suffix}"),
        "summary": getattr(article, f"summary_{suffix}"),
        "body": getattr(article, f"body_{suffix}"),
        "hits": hits,
    }


class ArticleScriptsPanelMixin:
    """For ``ArticleAdmin``: the endpoint the side panel posts to."""

    def get_urls(self):
        return [
            path("scripts-preview/", self.admin_site.admin_view(self.scripts_preview_view),
                 name="articles_article_scripts_preview"),
            *super().get_urls(),
        ]

    def scripts_preview_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return json_error("請用 POST。", 405)
        limit, window = SCRIPTS_RATE_LIMIT
        if not ratelimit.allow(f"scripts-preview:{request.user.pk}", limit=limit, window=window):
            return json_error("轉換預覽的請求太頻繁，請稍候再試。", 429)
        try:
            payload = read_object(request, max_bytes=SCRIPTS_MAX_BYTES)
        except BadPayload as exc:
            return json_error(str(exc), exc.status)
        texts = {name: payload.get(name, "") for name in ("title", "summary", "body")}
        language = payload.get("language")
        if language not in OTHER or not all(isinstance(value, str) for value in texts.values()):
            return json_error("內容格式不正確：需要標題、摘要、內文與撰寫字體（zh-hant 或 zh-hans）。", 400)
        return json_ok(other_script(language=language, **texts))
