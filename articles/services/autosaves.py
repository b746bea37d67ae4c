"""Autosaves of the article form: what an editor typed and has not saved yet, stored apart from the article.

Never the article row: no version bump, no revision, no page or cache work, no events. One row per (user, article),
overwritten each time; ``article_save`` clears the saver's row (``autosaves_clear``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Autosave
from articles.services.common import User, article_editable_by
from articles.text import sanitize

# The article's content fields as the admin form names them. Status and publishing time are decisions taken when
# saving, not typing that can be lost, so a restore never changes them.
AUTOSAVE_FIELDS = ("title", "slug", "summary", "body", "language", "author", "tags", "featured_image", "source",
                   "original_source", "original_url", "copyright_notice", "guid")
MAX_VALUE_CHARS = 1_000_000  # the body; every other field is far shorter
MAX_LABEL_CHARS = 500
MAX_VERSION = 2**31 - 1  # a PositiveIntegerField on every database


def autosave_problem(*, user: User, article: Article | None) -> str:
    """Why ``user`` may not autosave ``article`` (``None``: a new article); empty when they may."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "請先登入。"
    if article is None:
        return "" if user.has_perm("articles.add_article") else "您沒有新增文章的權限。"
    if not user.has_perm("articles.change_article"):
        return "您沒有修改文章的權限。"
    if not article_editable_by(user, article.status):
        return "已發布、已排程或已封存的文章由編輯修改；您的內容沒有自動儲存。"
    return ""


def _clean_data(data: object) -> dict:
    if not isinstance(data, dict):
        raise ValidationError("自動儲存的內容格式不正確。", code="malformed")
    fields, labels = data.get("fields", {}), data.get("labels", {})
    if not isinstance(fields, dict) or not isinstance(labels, dict):
        raise ValidationError("自動儲存的內容格式不正確。", code="malformed")
    clean_fields: dict[str, str] = {}
    for name, value in fields.items():
        if name not in AUTOSAVE_FIELDS:
            continue  # inline rows, the CSRF token and the like are not the article's content
        if not isinstance(value, str):
            raise ValidationError(f"欄位「{name}」的值格式不正確。", code="malformed")
        if len(value) > MAX_VALUE_CHARS:
            raise ValidationError(f"欄位「{name}」太長，無法自動儲存。", code="too_long")
        value = value.replace("\x00", "")  # PostgreSQL's jsonb cannot hold a NUL
        clean_fields[name] = sanitize.clean_html(value) if name == "body" else value
    clean_labels = {name: label.replace("\x00", "")[:MAX_LABEL_CHARS] for name, label in labels.items()
                    if name in AUTOSAVE_FIELDS and name in clean_fields and isinstance(label, str)}
    return {"fields": clean_fields, "labels": clean_labels}


@transaction.atomic
def autosave_store(*, user: User, article: Article | None, data: dict, base_version: int | None) -> Autosave:
    """Keep what ``user`` typed in the form of ``article`` (``None``: a new article), overwriting their last autosave.

    ``data`` is ``{"fields": {name: value}, "labels": {name: shown text of a chosen option}}``; only the content
    fields are kept and the body is sanitised. Refuses with ``PermissionDenied`` whoever may not edit the article.
    """
    problem = autosave_problem(user=user, article=article)
    if problem:
        raise PermissionDenied(problem)
    cleaned = _clean_data(data)
    if base_version is not None and (not isinstance(base_version, int) or isinstance(base_version, bool)
                                     or not 0 <= base_version <= MAX_VERSION):
        raise ValidationError("版本資訊格式不正確。", code="malformed")
    autosave, _created = Autosave.objects.update_or_create(
        user=user, article=article,
        defaults={"data": cleaned, "base_version": base_version if article is not None else None,
                  "updated_at": timezone.now()},
    )
    return autosave


@transaction.atomic
def autosave_discard(*, user: User, article: Article | None) -> int:
    """Drop ``user``'s autosave of ``article`` (``None``: their new-article form); returns how many rows went."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    deleted, _ = Autosave.objects.filter(user=user, article=article).delete()
    return deleted


def autosaves_clear(*, article: Article, user: User, created: bool) -> None:
    """After ``user`` saved ``article`` normally: their autosave of it (or of the new-article form) is used up."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    Autosave.objects.filter(user=user, article=None if created else article).delete()
