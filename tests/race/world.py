"""What the site holds after each edit, and so what every page must show.

Every title, body, source name and picture credit carries a unique marker (``zt012a1b2z``: ASCII, so it reads the
same in both scripts and cannot be part of another marker). A marker an edit replaced is *retired*: once that
edit has returned, no page may show it. The pages' expectations are derived from the model, never written out per
edit, so an edit's effect on every page type follows from what it changed.
"""

from __future__ import annotations

import copy
import itertools
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote

LANGUAGES = {"zh-hant": "", "zh-hans": "/zh-hans"}
_sequence = itertools.count(1)


def marker(kind: str) -> str:
    """A fresh marker: kind t(itle), b(ody), s(ource), c(redit)."""
    return f"z{kind}{next(_sequence):03d}{secrets.token_hex(2)}z"


@dataclass
class Art:
    key: str
    id: int
    urls: dict[str, str]
    title: str
    body: str
    source: str
    tags: frozenset[str]
    image: bool
    published: bool = True


@dataclass
class World:
    articles: dict[str, Art] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)  # key -> {"id", "slug", "name"}
    tags: tuple[str, ...] = ()
    credit: str = ""
    image: int = 0  # the picture's id
    retired: frozenset[str] = frozenset()
    searches: tuple[str, ...] = ()  # markers readers search for

    def snapshot(self) -> World:
        return copy.deepcopy(self)

    def retire(self, *markers: str) -> None:
        self.retired = self.retired | set(markers)

    def search_for(self, needle: str, keep: int = 3) -> None:
        self.searches = (*[s for s in self.searches if s != needle], needle)[-keep:]

    def published(self) -> list[Art]:
        return [art for art in self.articles.values() if art.published]


@dataclass(frozen=True)
class Page:
    kind: str  # article, home, tag, source, feed, tag_feed, sitemap, search
    language: str
    key: str = ""

    def path(self, world: World) -> str:
        prefix = LANGUAGES[self.language]
        if self.kind == "article":
            return world.articles[self.key].urls[self.language]
        if self.kind == "home":
            return prefix + "/"
        if self.kind == "tag":
            return f"{prefix}/tags/{self.key}/"
        if self.kind == "source":
            return f"{prefix}/sources/{world.sources[self.key]['slug']}/"
        if self.kind == "feed":
            return prefix + "/feed/"
        if self.kind == "tag_feed":
            return f"{prefix}/tags/{self.key}/feed/"
        if self.kind == "sitemap":
            return self.key  # not translated: one sitemap lists both scripts
        if self.kind == "search":
            return f"{prefix}/search/?q={quote(self.key)}"
        raise ValueError(self.kind)


SITEMAPS = ("/sitemap.xml", "/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-sources.xml",
            "/sitemap-news.xml")


def pages(world: World) -> list[Page]:
    """Every page type, in both scripts."""
    found = [Page("sitemap", "zh-hant", path) for path in SITEMAPS]
    for language in LANGUAGES:
        found += [Page("article", language, key) for key in world.articles]
        found += [Page("home", language), Page("feed", language)]
        found += [Page("tag", language, tag) for tag in world.tags]
        found += [Page("tag_feed", language, tag) for tag in world.tags]
        found += [Page("source", language, key) for key in world.sources]
        found += [Page("search", language, needle) for needle in world.searches]
    return found


@dataclass
class Expect:
    status: int
    must: list[tuple[str, str]] = field(default_factory=list)  # (text, why)
    must_not: list[tuple[str, str]] = field(default_factory=list)

    def problems(self, status: int, body: str) -> list[str]:
        if status != self.status:
            return [f"status {status}, expected {self.status}"]
        if status != 200:
            return []
        found = [f"missing {text!r} ({why})" for text, why in self.must if text not in body]
        found += [f"shows {text!r} ({why})" for text, why in self.must_not if text in body]
        return found


def link(art: Art) -> str:
    return f"/articles/{art.id}/"


def _listing(expect: Expect, world: World, listed: list[Art], *, titles: bool = True, bodies: bool = False) -> None:
    """``listed`` must be linked (with their current titles), every other article must not be."""
    listed_ids = {art.id for art in listed}
    for art in world.articles.values():
        if art.id in listed_ids:
            expect.must.append((link(art), f"lists article {art.key}"))
            if titles:
                expect.must.append((art.title, f"current title of {art.key}"))
            if bodies:
                expect.must.append((art.body, f"current body of {art.key}"))
        else:
            why = f"article {art.key} is {'not listed here' if art.published else 'unpublished'}"
            expect.must_not.append((link(art), why))
            if titles:
                expect.must_not.append((art.title, why))


def expect(world: World, page: Page) -> Expect:
    """What ``page`` must answer in ``world``."""
    result = Expect(200)
    published = world.published()
    if page.kind == "article":
        art = world.articles[page.key]
        if not art.published:
            return Expect(404)
        result.must += [(art.title, "its current title"), (art.body, "its current body"),
                        (world.sources[art.source]["name"], "its source's current name")]
        result.must += [(f"/tags/{tag}/", "its tag") for tag in sorted(art.tags)]
        result.must_not += [(f"/tags/{tag}/", "a tag it no longer has") for tag in world.tags if tag not in art.tags]
        if art.image:
            result.must.append((world.credit, "its picture's current credit"))
        # Related lists on this page may show any published article, never an unpublished one.
        result.must_not += [(link(other), f"article {other.key} is unpublished")
                            for other in world.articles.values() if not other.published]
    elif page.kind == "home":
        _listing(result, world, published)
        result.must += [(world.sources[key]["name"], "a listed source's current name")
                        for key in sorted({art.source for art in published})]
    elif page.kind == "tag":
        _listing(result, world, [art for art in published if page.key in art.tags])
    elif page.kind == "source":
        result.must.append((world.sources[page.key]["name"], "the source's current name"))
        _listing(result, world, [art for art in published if art.source == page.key])
    elif page.kind == "feed":
        _listing(result, world, published, bodies=True)
    elif page.kind == "tag_feed":
        _listing(result, world, [art for art in published if page.key in art.tags], bodies=True)
    elif page.kind == "sitemap" and page.key == "/sitemap-articles.xml":
        _listing(result, world, published, titles=False)
    elif page.kind == "sitemap" and page.key == "/sitemap-news.xml":
        _listing(result, world, published)
    elif page.kind == "search":
        found = [art for art in published if page.key in (art.title, art.body)]
        _listing(result, world, found, titles=False)
        return result  # the query itself is echoed on the page, retired or not
    result.must_not += [(text, "retired by an edit that has returned") for text in sorted(world.retired)]
    return result
