"""Known server errors a fix is still on its way for, each matched as narrowly as we can (none today).

A fuzz example that hits one of these is let through (it is not what that test is looking for); the
case itself is pinned by a strict xfail test in ``test_known_cases.py``, which flips to a failure the
day the fix lands — then its entry here goes too. Anything not listed here fails the fuzz test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote


@dataclass(frozen=True)
class Case:
    name: str
    test: Callable[..., bool]


def _path(sent) -> str:
    return unquote(sent.path)


# Every case this suite found is fixed (issue 18): nothing is let through. A new known case goes here, matched as
# narrowly as the ones it replaced, together with a strict xfail in test_known_cases.py.
CASES: list[Case] = []


def match(sent, exc: BaseException | None, response=None) -> Case | None:
    for case in CASES:
        try:
            if case.test(sent, exc, response):
                return case
        except Exception:  # noqa: S112 - a matcher that cannot tell is no match
            continue
    return None
