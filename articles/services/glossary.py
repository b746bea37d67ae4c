"""Glossary terms: saved through OpenCC's dictionary mechanism; every conversion reads the glossary as it is.

A term can damage text: 卷 → 成交量 made 席捲而來 into 席成交量而來; 大模型 → 大型模型 turns 放大模型 into 放大型模型.
Before a term is saved an editor sees what it does (``glossary_term_preview``): warnings with examples from the
site's own articles (the Simplified side straddling a word in existing text, by a real segmenter; a Traditional
side much longer than the Simplified one), and before/after excerpts, in both scripts, of every article it changes.
A term with a warning is refused unless the save is ``confirmed``; ``apply`` then re-derives the articles it changes.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from articles import selectors
from articles.models import Article, AuditEntry, GlossaryTerm
from articles.services.articles import article_save, articles_convert
from articles.services.audit import audit_record
from articles.services.common import User
from articles.text import boundaries, chinese, mainland

PREVIEW_ARTICLES = 20  # articles shown with before/after excerpts
PREVIEW_CHANGES = 3  # excerpts per article and script
BOUNDARY_SCAN = 300  # articles searched for word-boundary examples
BOUNDARY_EXAMPLES = 8


def _describe(term: GlossaryTerm) -> str:
    return f"{term.simplified} → {term.traditional}{'' if term.active else '（停用）'}"


@dataclass(frozen=True)
class Example:
    """A place in one of the site's articles."""

    article_id: int
    title: str
    excerpt: str
    words: str = ""  # the segmenter's reading of the clause, words joined by ｜


@dataclass(frozen=True)
class GlossaryWarning:
    kind: str  # "boundary" or "length"
    message: str
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Change:
    """One place an article's text changes, in one script: before and after, marked 【…】."""

    script: str
    before: str
    after: str


@dataclass(frozen=True)
class ArticleChange:
    article_id: int
    title: str
    language: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class GlossaryImpact:
    """What saving a term does: warnings, and the articles whose text it changes (the first ``PREVIEW_ARTICLES``
    of ``changed_count``). ``token`` names this exact outcome, so a confirmation given for it cannot be
    carried over to other values or to text that changed since."""

    warnings: tuple[GlossaryWarning, ...]
    articles: tuple[ArticleChange, ...]
    changed_count: int
    token: str = field(default="")

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings or self.articles)


def _much_longer(simplified: str, traditional: str) -> bool:
    return len(traditional) >= len(simplified) + 2 and len(traditional) >= 1.5 * len(simplified)


def _simplified_text(article: Article) -> str:
    return " ".join([article.title_hans, article.summary_hans, chinese.strip_tags(article.body_hans)])


def glossary_term_warnings(*, term: GlossaryTerm) -> tuple[GlossaryWarning, ...]:
    """Why an editor should look twice before saving ``term``, with examples from the site's articles."""
    simplified, traditional = term.simplified, term.traditional
    warnings = []
    if simplified:
        examples: list[Example] = []
        # Simplified text of every article: its own text when written in Simplified, the derived one otherwise.
        containing = (Article.objects.filter(Q(title_hans__contains=simplified) | Q(summary_hans__contains=simplified)
                                             | Q(body_hans__contains=simplified))
                      .only("pk", "title", "title_hans", "summary_hans", "body_hans").order_by("-pk"))
        for article in containing[:BOUNDARY_SCAN]:
            for crossing in boundaries.crossings(_simplified_text(article), simplified, limit=2):
                examples.append(Example(article.pk, article.title, crossing.excerpt, crossing.words))
            if len(examples) >= BOUNDARY_EXAMPLES:
                break
        if examples:
            warnings.append(GlossaryWarning("boundary", (
                f"「{simplified}」在現有文章裡跨越了詞的邊界：它是另一個詞的一部分，或和前後的字組成別的詞"
                f"（斷詞結果以｜分隔）。儲存後這些地方會被改寫成「{traditional}」，例如「放大模型」會因為詞條"
                "「大模型」變成「放大型模型」。請改用更完整的詞，或確認這些改寫是對的。"),
                tuple(examples[:BOUNDARY_EXAMPLES])))
    if _much_longer(simplified, traditional):
        warnings.append(GlossaryWarning("length", (
            f"繁體「{traditional}」（{len(traditional)} 字）比簡體「{simplified}」（{len(simplified)} 字）長很多。"
            "這常表示詞條把一個詞換成了另一個詞：例如把「卷人」設成「成交量人」，「人卷人」會變成「人成交量人」。"
            "請確認兩邊說的是同一個詞。")))
    return tuple(warnings)


def _plain(article: Article) -> dict[str, str]:
    return {
        "繁體（台灣）": " ".join([article.title_hant, article.summary_hant, chinese.strip_tags(article.body_hant)]),
        "简体": " ".join([article.title_hans, article.summary_hans, chinese.strip_tags(article.body_hans)]),
    }


def _converted(articles: list[Article]) -> dict[int, dict[str, str]]:
    with chinese.one_glossary():
        for article in articles:
            article.derive_variants()
    return {article.pk: _plain(article) for article in articles}


_STOP = set(" \t\n。，、；：！？「」『』（）()《》…,.;:!?")


def _widen(text: str, start: int, end: int, pad: int) -> tuple[int, int]:
    """Widen ``text[start:end]`` by up to ``pad`` characters each side, within its clause, so a change of one
    character (鏈遊戲 → 區塊鏈遊戲 inserts 區塊) is shown with the word it belongs to."""
    for _ in range(pad):
        if start > 0 and text[start - 1] not in _STOP:
            start -= 1
        if end < len(text) and text[end] not in _STOP:
            end += 1
    return start, end


def _changes(script: str, before: str, after: str, pad: int) -> list[Change]:
    found = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    opcodes = matcher.get_opcodes()
    for number, (op, a0, a1, b0, b1) in enumerate(opcodes):
        if op != "equal":
            # Widen both sides alike, only over the unchanged text next to the change (the same on both sides).
            previous = opcodes[number - 1] if number else None
            following = opcodes[number + 1] if number + 1 < len(opcodes) else None
            left = min(pad, previous[2] - previous[1]) if previous and previous[0] == "equal" else 0
            right = min(pad, following[2] - following[1]) if following and following[0] == "equal" else 0
            a0w, _ = _widen(before, a0, a0, left)
            b0w = b0 - (a0 - a0w)
            _, a1w = _widen(before, a1, a1, right)
            b1w = b1 + (a1w - a1)
            found.append(Change(script, boundaries.excerpt(before, a0w, a1w), boundaries.excerpt(after, b0w, b1w)))
        if len(found) >= PREVIEW_CHANGES:
            break
    return found


class _Rollback(Exception):
    pass


def _token(term: GlossaryTerm, warnings: tuple[GlossaryWarning, ...], articles: tuple[ArticleChange, ...]) -> str:
    outcome = [term.pk, term.simplified, term.traditional, term.active,
               [w.message for w in warnings], [[a.article_id, [(c.before, c.after) for c in a.changes]]
                                               for a in articles]]
    return hashlib.sha256(json.dumps(outcome, ensure_ascii=False).encode()).hexdigest()[:32]


def glossary_term_preview(*, term: GlossaryTerm) -> GlossaryImpact:
    """What saving ``term`` (validated, not yet saved) would do, computed without saving it: the warnings, and
    before/after excerpts in both scripts of the articles it would change."""
    old = GlossaryTerm.objects.filter(pk=term.pk).first() if term.pk is not None else None
    forms = [(term.simplified, term.traditional)] + ([(old.simplified, old.traditional)] if old else [])
    candidates = list(selectors.article_list_containing_terms(terms=forms).order_by("-pk"))
    before = _converted(candidates)
    # The conversion reads the glossary from the database: save the term inside a savepoint, convert, roll back.
    probe = GlossaryTerm(pk=term.pk, simplified=term.simplified, traditional=term.traditional, note=term.note,
                         active=term.active, updated_by_id=term.updated_by_id)
    after: dict[int, dict[str, str]] = {}
    try:
        with transaction.atomic():
            probe.save()
            after = _converted(candidates)
            raise _Rollback
    except _Rollback:
        pass
    changed = []
    pad = max(1, len(term.simplified) - 1)
    for article in candidates:
        changes = [change for script, text in before[article.pk].items()
                   for change in _changes(script, text, after[article.pk][script], pad)]
        if changes:
            changed.append(ArticleChange(article.pk, article.title, article.language, tuple(changes)))
    warnings = glossary_term_warnings(term=term)
    shown = tuple(changed[:PREVIEW_ARTICLES])
    return GlossaryImpact(warnings, shown, len(changed), _token(term, warnings, shown))


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm, user: User = None, confirmed: bool = False,
                       apply: bool = False) -> GlossaryTerm:
    """Add or change a glossary term; every worker picks it up after the commit.

    A term with a warning (``glossary_term_warnings``) is refused unless ``confirmed``. With ``apply`` the
    articles containing the term (old or new forms) are re-derived in the same transaction; how many is left in
    ``term.applied_count``.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        term.updated_by = user
    term.full_clean()
    warnings = glossary_term_warnings(term=term)
    if warnings and not confirmed:
        raise ValidationError([*(w.message for w in warnings), "請先檢查這些影響，確認後再儲存。"])
    old = None
    if term.pk is not None:
        old = GlossaryTerm.objects.filter(pk=term.pk).first()
    term.save()
    if old is None:
        audit_record(action=AuditEntry.Action.GLOSSARY_ADD, obj=term, user=user, to_value=_describe(term))
    elif _describe(old) != _describe(term):
        audit_record(action=AuditEntry.Action.GLOSSARY_CHANGE, obj=term, user=user, from_value=_describe(old),
                     to_value=_describe(term))
    term.applied_count = 0
    if apply:
        forms = [(term.simplified, term.traditional)] + ([(old.simplified, old.traditional)] if old else [])
        term.applied_count = articles_convert(queryset=selectors.article_list_containing_terms(terms=forms))
    return term


@transaction.atomic
def glossary_term_delete(*, term: GlossaryTerm, user: User = None) -> None:
    """Remove a glossary term; every worker drops it after the commit."""
    audit_record(action=AuditEntry.Action.GLOSSARY_DELETE, obj=term, user=user, from_value=_describe(term))
    term.delete()


@transaction.atomic
def article_replace_mainland_word(*, article: Article, word: str, replacement: str, user: User = None,
                                  expected_version: int | None = None) -> int:
    """The mainland-usage check's one-click fix: replace ``word`` by its Taiwan form ``replacement`` wherever the
    check flags it in the title, summary and body text of an article written in Traditional, through
    ``article_save``; returns how many places changed. An article written in Simplified gets its Traditional text
    from conversion: the fix there is a glossary term, so it is refused here."""
    if article.language != chinese.HANT:
        raise ValidationError("這篇文章以簡體撰寫，繁體版由轉換產生：請把這個詞加入詞彙表，而不是改寫內文。")
    try:
        title, in_title = mainland.replace(article.title, word, replacement)
        summary, in_summary = mainland.replace(article.summary, word, replacement)
        body, in_body = mainland.replace(article.body, word, replacement, html=True)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    changed = in_title + in_summary + in_body
    if not changed:
        raise ValidationError(f"文章裡已經沒有「{word}」需要修正。")
    article.title, article.summary, article.body = title, summary, body
    article_save(article=article, user=user, expected_version=expected_version,
                 note=f"大陸用語修正：{word} → {replacement}（{changed} 處）")
    return changed
