"""Which source an imported record belongs to: the one rule for JSON records and feed items alike.

An outlet is identified by its site — the host of its URL (lowercase, without ``www.``; scheme, port and
path ignored) — never by the name a record gives it: anyone can call themselves 新聞室 or 巴比特, only the
outlet itself publishes from its host. So:

* a record whose source URL has the host of an existing source's homepage belongs to that source, whatever
  name the record uses;
* an unknown host gets a new source (under the record's name, or "name（host）" when that name is taken)
  with reprint permission "none", so nothing of it is published until an editor grants permission;
* a record without a URL matches only a source that has no homepage either (one an earlier such import
  made), by name in either script — never a source with a site of its own, and never ours;
* the site's own source (kind or permission "own") is never matched: a record claiming our host is
  refused; our own articles are imported only with an explicit ``--source``.

Feeds are bound by the operator instead (``--source`` or a subscription): see ``run``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from articles import importers
from articles.models import Source
from articles.text import chinese

NO_URL_SUFFIX = "（未附網址）"


def outlet_host(url: str) -> str:
    """The identity of an outlet's site: ``https://WWW.8btc.com:443/news`` -> ``8btc.com``; "" without one."""
    try:
        host = urlsplit((url or "").strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower().removeprefix("www.")


def _is_own(source: Source) -> bool:
    return source.kind == Source.Kind.OWN or source.reprint_permission == Source.Permission.OWN


def source_match(ref: importers.SourceRef) -> Source | None:
    """The existing source a record's outlet is, or None for an outlet we do not know yet.

    Raises ``importers.Invalid`` when the record claims the site's own host.
    """
    host = outlet_host(ref.url)
    if host:
        candidates = [source for source in Source.objects.filter(homepage__icontains=host).order_by("pk")
                      if outlet_host(source.homepage) == host]
        for source in candidates:
            if not _is_own(source):
                return source
        if candidates:
            raise importers.Invalid(f"來源網址 {host} 是本站；本站的文章只能以 --source 指定來源匯入")
        return None
    names = Q(name__in=[ref.name, ref.name + NO_URL_SUFFIX]) | Q(name_hant=chinese.to_hant(ref.name)) | Q(
        name_hans=chinese.to_hans(ref.name))
    return (Source.objects.filter(names, homepage="")
            .exclude(kind=Source.Kind.OWN).exclude(reprint_permission=Source.Permission.OWN)
            .order_by("pk").first())


def _free_name(ref: importers.SourceRef, host: str) -> str:
    taken = set(Source.objects.filter(name__startswith=ref.name).values_list("name", flat=True))
    suffixed = ref.name + (f"（{host}）" if host else NO_URL_SUFFIX)
    for name in (ref.name, suffixed):
        if name not in taken:
            return name
    number = 2
    while f"{suffixed[:-1]} {number}）" in taken:
        number += 1
    return f"{suffixed[:-1]} {number}）"


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:190].strip("-") or "source"
    slug, number = base, 1
    while Source.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def source_for_import(ref: importers.SourceRef) -> Source:
    """The source a record's outlet is (``source_match``), created without reprint permission when new."""
    source = source_match(ref)
    if source is not None:
        return source
    name = _free_name(ref, outlet_host(ref.url))
    source = Source(name=name[:200], slug=_unique_slug(name), homepage=ref.url,
                    reprint_permission=Source.Permission.NONE)
    source.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # another import created it a moment ago
        source = source_match(ref)
        if source is None:
            raise
    return source
