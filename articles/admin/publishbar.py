"""The article form's publishing bar (issue 17, item 4): save, preview and publish in a bar that stays in view, a
live slug preview before the first save, and the chosen publishing time said in Taipei time.

Everything the browser runs is in ``static/js/admin-publishbar.js`` (the site's CSP allows no inline script); this
module gives it a small JSON endpoint that answers with the slug the model would give a title, through the same
function (``articles.models.slugs.traditional_slug``).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET

from articles import services
from articles.models import RESERVED_SLUGS, Article
from articles.models.slugs import traditional_slug
from articles.text import chinese

# A title longer than the field can never be saved; the endpoint refuses it rather than convert megabytes.
MAX_TITLE = Article._meta.get_field("title").max_length or 300
SLUG_MAX = Article._meta.get_field("slug").max_length
PUBLISH_BUTTON = "_publish"


def taipei_words(moment: datetime.datetime) -> str:
    """``moment`` in the site's time zone, in words, e.g. 「2026年12月1日 08:00」"""
    local = timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def schedule_text(article: Article | None) -> str:
    """What the form says beside the publishing time."""
    if article is None or article.publish_at is None:
        return "尚未設定發布時間。"
    when = taipei_words(article.publish_at)
    if article.status == Article.Status.PUBLISHED:
        return f"已於 {when}（台北時間）發布"
    if article.status == Article.Status.SCHEDULED or article.publish_at > timezone.now():
        return f"將於 {when}（台北時間）發布"
    return f"發布時間：{when}（台北時間）"


def preview_slug(title: str, language: str) -> str:
    """The slug ``Article.prepare_to_save`` gives a new article with this title and no slug of its own: the
    Traditional title (converted as the model converts it) through the model's ``traditional_slug``."""
    with chinese.one_glossary():
        title_hant, _title_hans = chinese.both_variants(title, language)
        slug = traditional_slug(title_hant, max_length=SLUG_MAX, fallback="article")
    return f"{slug}-{language}" if slug in RESERVED_SLUGS else slug


class PublishBarMixin:
    """For ``ArticleAdmin``: the slug-preview URL, the Taipei-time line and the bar's publish button."""

    # Shown to editors only: scheduling is an editor's choice.
    SCHEDULE_FIELDS = ("publish_at", "schedule_taipei")

    def get_urls(self):
        return [
            path("slug-preview/", self.admin_site.admin_view(self.slug_preview_view),
                 name="articles_article_slug_preview"),
            *super().get_urls(),
        ]

    def slug_preview_view(self, request: HttpRequest):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        return _slug_preview(request)

    def schedule_taipei(self, obj: Article | None) -> str:
        return format_html('<span id="publish-at-taipei" class="desk-taipei" aria-live="polite">{}</span>',
                           schedule_text(obj))

    schedule_taipei.short_description = "台北時間"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_publish = request.user.has_perm(services.PUBLISH_PERMISSION)
        context["slug_preview_url"] = reverse("admin:articles_article_slug_preview")
        context["offer_publish"] = can_publish and (obj is None or obj.status != Article.Status.PUBLISHED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The bar's 「儲存並發布」 posts the form with status 已發布: an editor's only; a writer's button is not
        shown and, posted anyway, is ignored (the status stays as the writer chose it)."""
        if request.method == "POST" and PUBLISH_BUTTON in request.POST \
                and request.user.has_perm(services.PUBLISH_PERMISSION):
            post = request.POST.copy()
            post["status"] = Article.Status.PUBLISHED
            request.POST = post
        return super().changeform_view(request, object_id, form_url, extra_context)


@require_GET
def _slug_preview(request: HttpRequest) -> JsonResponse:
    title = request.GET.get("title", "")
    language = request.GET.get("language", "") or Article._meta.get_field("language").default
    if language not in dict(Article._meta.get_field("language").choices):
        return JsonResponse({"error": "不認得的語言。"}, status=400)
    if len(title) > MAX_TITLE:
        return JsonResponse({"error": f"標題太長（最多 {MAX_TITLE} 字）。"}, status=400)
    if not title.strip():
        return JsonResponse({"slug": "", "empty": True})
    return JsonResponse({"slug": preview_slug(title, language)})
