"""The fixtures and the edits of a race run, each edit with what it changes in the model (``world``).

Fixtures: two sources (permission "own" and "public"), three tags, one picture with a credit and eight published
articles. Edits, one after another, each with fresh markers:
  retitle   an article's title and body              -> new title/body everywhere it shows, old ones nowhere
  unpublish an article                               -> its page 404 in both scripts, listed nowhere
  republish it under a new title                     -> back everywhere, with the new title
  retag     an article: tag X off, tag Y on          -> gone from tag X's page and feed, on tag Y's
  rename    a source                                 -> the new name on every page that shows it
  credit    the picture's credit                     -> the new credit on its article's page
  publish   a new article                            -> on home, feeds, sitemaps, its tags', its source's page, search
"""

from __future__ import annotations

from collections.abc import Callable

from tests.race.site import Site
from tests.race.world import Art, World, marker

TAGS = ("racealpha", "racebeta", "racegamma")
# key: (source, tags, has the picture)
ARTICLES = {
    "A0": ("own", {"racealpha"}, True),
    "A1": ("own", {"racealpha", "racebeta"}, False),
    "A2": ("pub", {"racebeta"}, False),
    "A3": ("pub", {"racealpha"}, False),
    "A4": ("own", {"racegamma"}, False),
    "A5": ("pub", {"racealpha", "racegamma"}, False),
    "A6": ("own", {"racebeta"}, False),
    "A7": ("pub", set(), False),
}
SOURCES = {
    "own": {"slug": "race-own", "kind": "own", "permission": "own"},
    "pub": {"slug": "race-public", "kind": "publisher", "permission": "public"},
}

Step = Callable[[World], tuple[str, dict, Callable[[World, dict], None]]]


def setup(site: Site) -> tuple[World, float, float]:
    """Create the fixtures through the editor process: (the world, when it was asked, when it returned)."""
    world = World(tags=TAGS, credit=marker("c"))
    command = {"k": 0, "op": "setup", "credit": world.credit, "sources": {}, "articles": {}}
    for key, spec in SOURCES.items():
        world.sources[key] = {**spec, "name": marker("s")}
        command["sources"][key] = {**spec, "name": world.sources[key]["name"]}
    for key, (source, tags, image) in ARTICLES.items():
        world.articles[key] = Art(key=key, id=0, urls={}, title=marker("t"), body=marker("b"), source=source,
                                  tags=frozenset(tags), image=image)
        command["articles"][key] = {"title": world.articles[key].title, "body": world.articles[key].body,
                                    "source": source, "tags": sorted(tags), "image": image}
    handed = site.send(command)
    returned, result = site.receive(0)
    for key, made in result["articles"].items():
        world.articles[key].id, world.articles[key].urls = made["id"], made["urls"]
    for key, pk in result["sources"].items():
        world.sources[key]["id"] = pk
    world.image = result["image"]
    world.search_for(world.articles["A0"].title)
    return world, handed, returned


def retitle(key: str) -> Step:
    def step(world: World):
        title, body = marker("t"), marker("b")

        def apply(world: World, result: dict) -> None:
            art = world.articles[key]
            world.retire(art.title, art.body)
            art.title, art.body = title, body
            world.search_for(title)
            world.search_for(body)

        return f"retitle {key}", {"op": "retitle", "article": world.articles[key].id, "title": title,
                                  "body": body}, apply
    return step


def unpublish(key: str) -> Step:
    def step(world: World):
        def apply(world: World, result: dict) -> None:
            world.articles[key].published = False
            world.search_for(world.articles[key].title)

        return f"unpublish {key}", {"op": "unpublish", "article": world.articles[key].id}, apply
    return step


def republish(key: str) -> Step:
    def step(world: World):
        title = marker("t")

        def apply(world: World, result: dict) -> None:
            art = world.articles[key]
            world.retire(art.title)
            art.title, art.published = title, True
            world.search_for(title)

        return f"republish {key}", {"op": "republish", "article": world.articles[key].id, "title": title}, apply
    return step


def retag(key: str, remove: str, add: str) -> Step:
    def step(world: World):
        def apply(world: World, result: dict) -> None:
            art = world.articles[key]
            art.tags = (art.tags - {remove}) | {add}

        return f"retag {key} -{remove} +{add}", {"op": "retag", "article": world.articles[key].id,
                                                 "remove": remove, "add": add}, apply
    return step


def rename_source(key: str) -> Step:
    def step(world: World):
        name = marker("s")

        def apply(world: World, result: dict) -> None:
            world.retire(world.sources[key]["name"])
            world.sources[key]["name"] = name

        return f"rename source {key}", {"op": "rename_source", "source": world.sources[key]["id"], "name": name}, apply
    return step


def credit() -> Step:
    def step(world: World):
        text = marker("c")

        def apply(world: World, result: dict) -> None:
            world.retire(world.credit)
            world.credit = text

        return "credit", {"op": "credit", "image": world.image, "credit": text}, apply
    return step


def publish_new(key: str, source: str, tags: set[str]) -> Step:
    def step(world: World):
        title, body = marker("t"), marker("b")

        def apply(world: World, result: dict) -> None:
            world.articles[key] = Art(key=key, id=result["id"], urls=result["urls"], title=title, body=body,
                                      source=source, tags=frozenset(tags), image=False)
            world.search_for(title)

        command = {"op": "new_article", "key": key, "title": title, "body": body, "source": source,
                   "source_id": world.sources[source]["id"], "tags": sorted(tags)}
        return f"publish new {key}", command, apply
    return step


def all_edits() -> list[Step]:
    return [
        retitle("A1"),
        unpublish("A2"),
        republish("A2"),
        retag("A3", "racealpha", "racegamma"),
        rename_source("pub"),
        credit(),
        publish_new("N1", "pub", {"racealpha", "racegamma"}),
    ]
