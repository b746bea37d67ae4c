"""Concurrent polling readers, the timeline of edits, and the judge of what the readers saw.

Each reader is a thread with its own keep-alive ``http.client`` connection that keeps requesting a random page
of the current list. Every response is recorded with the wall-clock time its request was SENT; bodies are kept
once per distinct content. A response is judged against the state of the last edit that had returned before the
request was sent — or any later state whose edit was handed to the editor before the answer arrived.
"""

from __future__ import annotations

import hashlib
import http.client
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.race.world import Page, World, expect, pages

TIMEOUT = 30


@dataclass
class Response:
    page: Page
    path: str
    sent: float
    received: float
    status: int  # 0: no answer (connection error or timeout)
    cache: str
    worker: str
    digest: str
    error: str = ""


@dataclass
class Edit:
    k: int
    what: str
    world: World  # the state once this edit has returned
    handed: float  # when the editor was given it
    returned: float = float("inf")


@dataclass
class Readers:
    port: int
    count: int
    world: World
    responses: list[Response] = field(default_factory=list)
    bodies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.running = threading.Event()
        self.threads: list[threading.Thread] = []
        self.targets: list[tuple[Page, str]] = []
        self.show(self.world)

    def show(self, world: World) -> None:
        """Poll ``world``'s pages from now on (new articles, new searches)."""
        self.targets = [(page, page.path(world)) for page in pages(world)]

    def __enter__(self) -> Readers:
        self.running.set()
        for number in range(self.count):
            thread = threading.Thread(target=self._poll, name=f"reader-{number}", daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self.running.clear()
        for thread in self.threads:
            thread.join(timeout=TIMEOUT + 5)

    def _poll(self) -> None:
        rng = random.Random()  # noqa: S311
        connection = None
        while self.running.is_set():
            page, path = rng.choice(self.targets)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            sent = time.time()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": "identity"})
                answer = connection.getresponse()
                content = answer.read()
            except (OSError, http.client.HTTPException) as exc:
                self.responses.append(Response(page, path, sent, time.time(), 0, "", "", "", repr(exc)))
                connection.close()
                connection = None
                time.sleep(0.05)
                continue
            digest = hashlib.blake2b(content, digest_size=16).hexdigest()
            if digest not in self.bodies:
                self.bodies[digest] = content.decode("utf-8", "replace")
            self.responses.append(Response(page, path, sent, time.time(), answer.status,
                                           answer.getheader("X-Page-Cache", "-"),
                                           answer.getheader("X-Race-Worker", "?"), digest))
            if answer.will_close:
                connection.close()
                connection = None


@dataclass
class Stale:
    response: Response
    edit: Edit
    problems: list[str]

    def __str__(self) -> str:
        r = self.response
        return (f"{r.path} [{r.page.kind}/{r.page.language}] sent {r.sent - self.edit.returned:+.3f}s after edit "
                f"{self.edit.k} ({self.edit.what}) returned; status {r.status}, worker {r.worker}, "
                f"X-Page-Cache {r.cache}: {'; '.join(self.problems[:4])}")


def edit_before(edits: list[Edit], sent: float) -> int | None:
    """Index of the last edit that had returned when a request was sent."""
    index = None
    for number, edit in enumerate(edits):
        if edit.returned <= sent:
            index = number
    return index


def judge(readers: Readers, edits: list[Edit], *, since: float = 0.0) -> list[Stale]:
    """Every response sent after an edit returned (and after ``since``) that does not show that edit."""
    stale = []
    verdicts: dict[tuple, list[str]] = {}

    def problems(response: Response, edit: Edit) -> list[str]:
        key = (response.page, response.status, response.digest, edit.k)
        if key not in verdicts:
            verdicts[key] = expect(edit.world, response.page).problems(response.status,
                                                                       readers.bodies.get(response.digest, ""))
        return verdicts[key]

    for response in readers.responses:
        if response.status == 0 or response.sent < since:
            continue
        index = edit_before(edits, response.sent)
        if index is None:
            continue
        found = problems(response, edits[index])
        # A slow answer may already show edits handed to the editor while it was in flight (markers are never
        # reused, so a page from before edit k matches no later state either).
        later = (edit for edit in edits[index + 1:] if edit.handed <= response.received)
        if found and not any(not problems(response, edit) for edit in later):
            stale.append(Stale(response, edits[index], found))
    return stale


def summary(readers: Readers, stale: list[Stale]) -> str:
    responses = readers.responses
    cache = Counter(r.cache for r in responses)
    kinds = Counter(f"{s.response.page.kind}/{s.response.page.language}" for s in stale)
    by_cache = Counter(s.response.cache for s in stale)
    by_edit = Counter(f"{s.edit.k}:{s.edit.what}" for s in stale)
    lines = [f"{len(responses)} responses, X-Page-Cache {dict(cache)}, "
             f"statuses {dict(Counter(r.status for r in responses))}, "
             f"workers {len({r.worker for r in responses if r.status})}",
             f"{len(stale)} stale; by page type {dict(kinds)}; by X-Page-Cache {dict(by_cache)}; "
             f"by edit {dict(by_edit)}"]
    # One example per (edit, page type, script).
    seen = set()
    for item in stale:
        key = (item.edit.k, item.response.page.kind, item.response.page.language)
        if key not in seen:
            seen.add(key)
            lines.append("  " + str(item))
    lines = lines[:60]
    # Stale pages the site had just rendered (not replayed from its cache) point at stored pages or the data itself.
    rendered = [item for item in stale if item.response.cache != "hit"]
    if rendered:
        lines.append(f"{len(rendered)} of them rendered for that request (X-Page-Cache not 'hit'):")
        lines += ["  " + str(item) for item in rendered[:20]]
    return "\n".join(lines)


def errors(readers: Readers, since: float = 0.0) -> list[Response]:
    """5xx answers and requests that got no answer at all."""
    return [r for r in readers.responses if r.sent >= since and (r.status >= 500 or r.status == 0)]
