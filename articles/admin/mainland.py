"""The article form's mainland-usage check: words from the curated list (``articles.text.mainland``) in the
Traditional text, each with its Taiwan form(s), the reason and a one-click fix.

An article written in Traditional is fixed in place (``article_replace_mainland_word``, through the normal save
path). One written in Simplified gets its Traditional text from conversion: its fix is a glossary term, offered
as a link to the glossary form (which previews the term before it is saved).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from articles.models import Article
from articles.services.glossary import article_replace_mainland_word
from articles.text import chinese, mainland

FIX_SEPARATOR = "｜"


def article_hits(article: Article) -> list[dict]:
    """The mainland words in the article's Traditional title, summary and body text, for the template."""
    if article.language == chinese.HANT:
        fields = [(article.title, False), (article.summary, False), (article.body, True)]
    else:
        fields = [(article.title_hant, False), (article.summary_hant, False), (article.body_hant, True)]
    merged: dict[str, dict] = {}
    for text, html in fields:
        for hit in mainland.find(text or "", html=html):
            row = merged.setdefault(hit.word, {"usage": hit.usage, "count": 0, "excerpt": hit.excerpt})
            row["count"] += hit.count
    rows = list(merged.values())
    for row in rows:
        usage = row["usage"]
        if article.language == chinese.HANT:
            row["fixes"] = [{"label": form, "value": f"{usage.word}{FIX_SEPARATOR}{form}"} for form in usage.taiwan]
        else:
            simplified = chinese.to_hans(usage.word)
            row["glossary_links"] = [
                {"label": form, "url": reverse("admin:articles_glossaryterm_add") + "?" + urlencode(
                    {"simplified": simplified, "traditional": form, "note": f"大陸用語：{usage.reason}"})}
                for form in usage.taiwan]
    return rows


class MainlandFixMixin:
    """For ``ArticleAdmin``: the URL the fix buttons post to."""

    def get_urls(self):
        return [
            path("<id:pk>/mainland-fix/", self.admin_site.admin_view(self.mainland_fix_view),
                 name="articles_article_mainland_fix"),
            *super().get_urls(),
        ]

    def mainland_fix_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:articles_article_change", pk)
        word, _, replacement = request.POST.get("mainland_fix", "").partition(FIX_SEPARATOR)
        try:
            expected = int(request.POST.get("base_version", ""))
        except ValueError:
            expected = None
        try:
            changed = article_replace_mainland_word(article=article, word=word, replacement=replacement,
                                                    user=request.user, expected_version=expected)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, f"無法修正：{text}", messages.ERROR)
        else:
            self.message_user(request, f"已把「{word}」改為「{replacement}」（{changed} 處），另存為新版本。",
                              messages.SUCCESS)
        return redirect("admin:articles_article_change", pk)
