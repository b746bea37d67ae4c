"""The body editor's figure picker: pictures from the library, searched by alt text, caption or credit, as JSON
for ``static/js/admin-body-editor.js`` (which inserts the chosen one as a ``<figure data-image>``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from articles import selectors
from articles.models import Image

# The width a figure in an article body shows at (the reader's column is narrower; fixed so a stored body never
# changes when renditions are added later).
FIGURE_WIDTH = 800


def image_payload(image: Image) -> dict:
    """What the picker shows and the figure it inserts, from the prefetched JPEG width renditions (no query)."""
    renditions = list(image.renditions.all())  # narrowest first
    thumbnail = renditions[0].file.url if renditions else image.file.url
    shown = next((r for r in renditions if r.width >= FIGURE_WIDTH), renditions[-1] if renditions else None)
    return {
        "id": image.pk,
        "thumbnail": thumbnail,
        "src": shown.file.url if shown is not None else image.file.url,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        # The figure takes its words in the script the article is written in.
        "zh-hant": {"alt": image.localized_alt("zh-hant"), "caption": image.localized_caption("zh-hant"),
                    "credit": image.localized_credit("zh-hant")},
        "zh-hans": {"alt": image.localized_alt("zh-hans"), "caption": image.localized_caption("zh-hans"),
                    "credit": image.localized_credit("zh-hans")},
        "ai_generated": image.ai_generated,
        "width": image.width,
        "height": image.height,
    }


class FigurePickerMixin:
    """For ``ArticleAdmin``: ``admin:articles_image_picker`` (staff only, like every admin URL)."""

    def get_urls(self):
        return [
            path("image-picker/", self.admin_site.admin_view(self.image_picker_view), name="articles_image_picker"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def image_picker_view(self, request: HttpRequest) -> JsonResponse:
        if not request.user.has_perm("articles.view_image"):
            raise PermissionDenied
        query = request.GET.get("q", "")[:100]
        wanted = request.GET.get("id", "")
        # ?id=N: the one picture the featured-picture field holds (its thumbnail beside the field)
        pk = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) <= 18 else None
        images = selectors.image_list_for_picker(query=query, pk=pk)
        return JsonResponse({"query": query, "results": [image_payload(image) for image in images]})
