"""The autosave an editor is offered to restore when they open the article form."""

from __future__ import annotations

from articles.models import Article, Autosave


def autosave_to_offer(*, user, article: Article | None) -> Autosave | None:
    """``user``'s autosave of ``article`` (``None``: the new-article form) when it is newer than the article's last
    save; an older one was overtaken by a save and is not offered."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    autosave = Autosave.objects.filter(user=user, article=article).first()
    if autosave is None or (article is not None and autosave.updated_at <= article.updated_at):
        return None
    if article is not None and _same_text(autosave.data.get("fields", {}), article):
        # Nothing to restore: e.g. an autosave that was on its way while the same text was being saved.
        return None
    return autosave


TEXT_FIELDS = ("title", "summary", "body", "author", "language", "original_url", "copyright_notice", "guid")


def _same_text(fields: dict, article: Article) -> bool:
    return all(str(fields[name]).strip() == str(getattr(article, name) or "").strip()
               for name in TEXT_FIELDS if name in fields)
