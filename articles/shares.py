"""The share endpoint: ``POST /articles/<id>/share/`` counts one click on a share button."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.http.request import validate_host
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import services
from articles.models import Article, ShareCount
from newsroom import ratelimit

MAX_BODY_BYTES = 1024


def _same_site(request: HttpRequest) -> bool:
    # Article pages are cached for everyone (and by CDNs), so they cannot carry a per-reader CSRF
    # token. The endpoint only counts clicks, and browsers always send Origin (or at least Referer)
    # on a cross-site POST, so we accept it only from our own hosts instead.
    origin = request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")
    if not origin or origin == "null":
        return False
    host = urlsplit(origin).hostname or ""
    allowed = [*settings.ALLOWED_HOSTS, *([request.get_host().split(":")[0]] if settings.DEBUG else [])]
    return validate_host(host, allowed)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt  # see _same_site: an Origin/Referer check replaces the token on this cacheable page
@never_cache
@require_POST
def share(request: HttpRequest, pk: int) -> JsonResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY_BYTES + 1
    if length > MAX_BODY_BYTES:
        return _error("請求內容過大。", 400)
    if not _same_site(request):
        return _error("只接受來自本站頁面的分享。", 403)
    network = request.POST.get("network", "")
    if network not in ShareCount.Network.values:
        return _error("不支援的分享方式。", 400)
    if not Article.objects.published().filter(pk=pk).exists():
        return _error("沒有這篇文章。", 404)
    limit, window = settings.SHARE_RATE_LIMIT
    if not ratelimit.allow(f"share:{ratelimit.client_ip(request)}:{pk}", limit=limit, window=window):
        response = _error("分享太頻繁，請稍後再試。", 429)
        response["Retry-After"] = str(window)
        return response
    count, total = services.share_record(article_id=pk, network=network)
    return JsonResponse({"article": pk, "network": network, "count": count, "total": total})
