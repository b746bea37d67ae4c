"""Autosave of the article form (static/js/admin-autosave.js): the form's content is posted here when it changed,
at most every ~30 s, and kept apart from the article (``services.autosave_store``); reopening the form offers to
restore it when it is newer than the article's last save."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path, reverse
from django.utils import timezone

from articles import selectors, services
from articles.admin import base, history
from articles.admin.articles.jsonapi import BadPayload, json_error, json_ok, read_object
from articles.models import Article, Autosave, Revision
from newsroom.converters import ID_MAX

AUTOSAVE_MAX_BYTES = 2 * 1024 * 1024  # a long body with its markup, twice over


def when_label(moment) -> str:
    """「14:05」 today, 「11月28日 14:05」 on another day (Taipei time)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def offer_context(autosave: Autosave, article: Article | None) -> dict:
    """What the restore banner says and what its script fills in."""
    offer = {"when": when_label(autosave.updated_at), "data": autosave.data, "base_version": autosave.base_version,
             "stale": False}
    if article is not None and autosave.base_version is not None and autosave.base_version != article.version:
        offer.update(stale=True, current_version=article.version)
        base_revision = (Revision.objects.filter(article=article, version__lte=autosave.base_version)
                         .order_by("-version", "-created_at", "-id").first())
        newest = selectors.article_current_revision(article=article)
        if base_revision is not None and newest is not None and base_revision.pk != newest.pk:
            offer["diff_url"] = history.diff_url(article.pk, base_revision, newest)
    return offer


class ArticleAutosaveMixin:
    """For ``ArticleAdmin``: the autosave endpoints and the restore banner's context."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("autosave/", wrap(self.autosave_view), name="articles_article_autosave"),
            path("autosave/discard/", wrap(self.autosave_discard_view), name="articles_article_autosave_discard"),
            *super().get_urls(),
        ]

    def _autosave_target(self, request, payload: dict) -> Article | None:
        """The article the payload names (``None``: the new-article form), if this user may edit it."""
        article_id = payload.get("article")
        if article_id in (None, ""):
            if not self.has_add_permission(request):
                raise PermissionDenied("您沒有新增文章的權限。")
            return None
        if not isinstance(article_id, int) or isinstance(article_id, bool) or not 0 < article_id <= ID_MAX:
            raise BadPayload("文章編號格式不正確。")
        article = Article.objects.filter(pk=article_id).first()
        if article is None:
            raise BadPayload("沒有這篇文章。", status=404)
        if not self.has_change_permission(request, article):
            raise PermissionDenied("您不能修改這篇文章，內容沒有自動儲存。")
        return article

    def autosave_view(self, request):
        if request.method != "POST":
            return json_error("請用 POST。", 405)
        try:
            payload = read_object(request, max_bytes=AUTOSAVE_MAX_BYTES)
            article = self._autosave_target(request, payload)
            autosave = services.autosave_store(
                user=request.user, article=article, base_version=payload.get("base_version"),
                data={"fields": payload.get("fields", {}), "labels": payload.get("labels", {})})
        except BadPayload as exc:
            return json_error(str(exc), exc.status)
        except PermissionDenied as exc:
            return json_error(str(exc) or "您沒有權限。", 403)
        except ValidationError as exc:
            return json_error(base.error_text(exc), 400)
        return json_ok({"saved_at": autosave.updated_at.isoformat(), "when": when_label(autosave.updated_at)})

    def autosave_discard_view(self, request):
        if request.method != "POST":
            return json_error("請用 POST。", 405)
        try:
            payload = read_object(request, max_bytes=4096)
            article = self._autosave_target(request, payload)
        except BadPayload as exc:
            return json_error(str(exc), exc.status)
        except PermissionDenied as exc:
            return json_error(str(exc) or "您沒有權限。", 403)
        return json_ok({"discarded": services.autosave_discard(user=request.user, article=article)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_edit = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        if may_edit:  # a read-only view has nothing to autosave
            context["autosave_config"] = {
                "url": reverse("admin:articles_article_autosave"),
                "discard_url": reverse("admin:articles_article_autosave_discard"),
                "article": obj.pk if obj is not None else "",
                "interval_ms": settings.AUTOSAVE_INTERVAL_SECONDS * 1000,
                # A form back with errors holds what was posted and not saved: leaving it asks, and it is autosaved.
                "unsaved": request.method == "POST",
            }
            # Offered when the form is opened, not when it comes back with errors holding what was just posted.
            autosave = selectors.autosave_to_offer(user=request.user, article=obj) if request.method == "GET" else None
            if autosave is not None:
                context["autosave_offer"] = offer_context(autosave, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
