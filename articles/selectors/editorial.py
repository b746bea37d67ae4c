"""Reads for the editors' desk: revisions, the audit trail, the review queue, the dashboard, conversion checks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from articles import search
from articles.models import (
    Article,
    AuditEntry,
    GlossaryTerm,
    RelatedArticle,
    Revision,
    ShareCount,
    Source,
    reprint_valid,
)
from articles.text import chinese


def article_related_computed(*, article: Article) -> list[RelatedArticle]:
    """The article's computed related rows with their scores, best first, for the editors."""
    return list(RelatedArticle.objects.filter(article=article, kind=RelatedArticle.Kind.COMPUTED)
                .select_related("related").order_by("position", "pk"))


def article_list_containing_terms(*, terms: Iterable[tuple[str, str]]) -> QuerySet[Article]:
    """Articles whose text contains any of the (simplified, traditional) terms, in either script."""
    condition = Q(pk__in=[])
    for simplified, traditional in terms:
        for form in {simplified, traditional}:
            for field in ("title", "summary", "body"):
                condition |= Q(**{f"{field}__contains": form})
    return Article.objects.filter(condition)


def _is_short(word: str) -> bool:
    # Too short for the index's character pairs and whole words: one Chinese character, one or two letters.
    groups = search.tokens(word)
    return bool(groups) and all(len(group) == 1 and len(group[0]) <= 2 and (len(group[0]) == 1 or group[0].isascii())
                                for group in groups)


def article_desk_search(*, queryset: QuerySet[Article], term: str) -> QuerySet[Article]:
    """The articles of ``queryset`` (any status) found by the editors' search ``term``: every word in the title or
    summary, typed in either script (the search index; a word of one character or one or two letters by a substring
    of the title), or the whole term exactly as an article's guid, original URL or author (their indexes)."""
    term = term.strip()
    if not term:
        return queryset
    exact = Article.objects.filter(Q(guid=term) | Q(original_url=term) | Q(author=term)).values("pk")
    with chinese.one_glossary():  # one read of the glossary for the term and its words
        words = chinese.to_hant(term).split()
        indexed = " ".join(word for word in words if search.tokens(word) and not _is_short(word))
        short = [word for word in words if _is_short(word)]
        if indexed and not short:
            # The common case: one list of ids, the index's and the exact ones.
            return queryset.filter(pk__in=search.title_matches(indexed, union=exact))
        found = Q()
        for word in short:
            found &= Q(title_hant__icontains=word)
        if indexed:
            found &= Q(pk__in=search.title_matches(indexed))
    # Words of mere punctuation are no condition: no title needs to hold them.
    return queryset.filter((Q(pk__in=exact) | found) if found else Q(pk__in=exact))


def article_conversion_lint(*, article: Article) -> dict:
    """What an editor checks before publishing: the other variant, what conversion changed,
    and the glossary terms it applied (mainland words left in the text: ``articles.text.mainland``, in the admin)."""
    if article.language == chinese.HANS:
        source_text = " ".join([article.title, article.summary, chinese.strip_tags(article.body)])
        other_text = " ".join([article.title_hant, article.summary_hant, chinese.strip_tags(article.body_hant)])
        other = {"label": "繁體（台灣）", "title": article.title_hant, "summary": article.summary_hant}
    else:
        source_text = " ".join([article.title, article.summary, chinese.strip_tags(article.body)])
        other_text = " ".join([article.title_hans, article.summary_hans, chinese.strip_tags(article.body_hans)])
        other = {"label": "简体", "title": article.title_hans, "summary": article.summary_hans}
    terms = GlossaryTerm.active_terms()
    return {
        "other": other,
        "changes": [c for c in chinese.changes(source_text, other_text) if c.before.strip() or c.after.strip()][:200],
        "glossary_hits": chinese.glossary_hits(source_text, terms),
    }


def article_share_counts(*, article: Article) -> list[dict]:
    """Per-network share totals for one article, most shared first."""
    labels = dict(ShareCount.Network.choices)
    rows = (ShareCount.objects.filter(article=article).values("network").annotate(total=Sum("count"))
            .order_by("-total"))
    return [{"network": row["network"], "label": labels.get(row["network"], row["network"]), "total": row["total"]}
            for row in rows]


def article_list_most_shared(*, days: int, limit: int = 50) -> list[Article]:
    """Articles with the most share clicks over the last ``days`` days (today included)."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = list(ShareCount.objects.filter(day__gte=since).values("article").annotate(total=Sum("count"))
                .order_by("-total")[:limit])
    articles = Article.objects.select_related("source").in_bulk([row["article"] for row in rows])
    ranked = []
    for row in rows:
        article = articles.get(row["article"])
        if article is not None:
            article.period_shares = row["total"]
            ranked.append(article)
    return ranked


def audit_list_for(*, obj: models.Model, limit: int = 50) -> list[AuditEntry]:
    """The newest audit entries about ``obj`` (an article, a source, a glossary term)."""
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
                .select_related("user")[:limit])


def article_revisions(*, article: Article, limit: int = 30) -> list[Revision]:
    """The article's newest revisions, with their editors, for the admin form."""
    return list(article.revisions.select_related("user").defer(
        "body", "body_hant", "body_hans", "summary_hant", "summary_hans")[:limit])


def pending_upstream_exists() -> Exists:
    """True for an article with an upstream update waiting for an editor (to annotate or filter articles)."""
    return Exists(Revision.objects.filter(article=OuterRef("pk"), pending_upstream=True))


def article_pending_upstream(*, article: Article) -> Revision | None:
    """The upstream update of ``article`` waiting for an editor, if any."""
    return article.revisions.filter(pending_upstream=True).only("pk", "article_id", "version", "created_at").first()


def article_current_revision(*, article: Article) -> Revision | None:
    """The revision holding the article's current content (an upstream update waiting is newer, not current)."""
    return article.revisions.filter(pending_upstream=False).first()


def article_list_blocked_by_reprint_gate() -> QuerySet[Article]:
    """Articles waiting to go out (in review or scheduled) whose source lacks a valid reprint permission."""
    return (Article.objects.filter(status__in=[Article.Status.REVIEW, Article.Status.SCHEDULED])
            .exclude(reprint_valid(timezone.localdate()))
            .select_related("source", "original_source").order_by("-updated_at"))


def article_review_queue() -> list[Article]:
    """Articles in review, oldest first, each with ``reprint_problems`` and ``sent_back_note`` for the editor."""
    today = timezone.localdate()
    articles = list(Article.objects.filter(status=Article.Status.REVIEW)
                    .select_related("source", "original_source", "created_by", "updated_by")
                    .order_by("updated_at", "pk"))
    for article in articles:
        article.reprint_problems = article.reprint_problems(on=today)
    return articles


EXPIRY_WARNING_DAYS = 14


def source_list_permission_expiring(*, days: int = EXPIRY_WARNING_DAYS) -> list[Source]:
    """Sources whose granted permission ends within ``days`` days (today included, Asia/Taipei), soonest first,
    each with ``published_count``: its published articles (as source or original source) that will go offline."""
    today = timezone.localdate()
    sources = list(Source.objects.filter(reprint_permission=Source.Permission.GRANTED,
                                         permission_expires__gte=today,
                                         permission_expires__lt=today + datetime.timedelta(days=days))
                   .order_by("permission_expires", "name"))
    if not sources:
        return []
    ids = [source.pk for source in sources]
    public = Article.objects.published().filter(Q(source_id__in=ids) | Q(original_source_id__in=ids))
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    for source_id, original_id in public.values_list("source_id", "original_source_id"):
        for pk in {source_id, original_id} & set(ids):
            counts[pk] += 1
    for source in sources:
        source.published_count = counts[source.pk]
    return sources


def article_latest_send_back(*, article: Article) -> AuditEntry | None:
    """The editor's last "send back" comment on ``article``, if it is a draft again because of it."""
    if article.status != Article.Status.DRAFT:
        return None
    return (AuditEntry.objects.filter(object_type=Article._meta.label_lower, object_id=article.pk,
                                      action=AuditEntry.Action.SEND_BACK)
            .select_related("user").order_by("-created_at", "-id").first())


def editors_desk(*, user, limit: int = 10) -> dict:
    """The admin index dashboard: my drafts, waiting for review, scheduled today (Asia/Taipei), blocked."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    base = Article.objects.select_related("source").only("pk", "title", "status", "publish_at", "updated_at",
                                                          "source__name")
    return {
        "my_drafts": list(base.filter(status=Article.Status.DRAFT, created_by=user).order_by("-updated_at")[:limit]),
        "waiting_review": list(base.filter(status=Article.Status.REVIEW).order_by("updated_at")[:limit]),
        "waiting_review_count": Article.objects.filter(status=Article.Status.REVIEW).count(),
        "scheduled_today": list(base.filter(status=Article.Status.SCHEDULED, publish_at__gte=start,
                                            publish_at__lt=end).order_by("publish_at")[:limit]),
        "blocked": list(article_list_blocked_by_reprint_gate()[:limit]),
        "expiring": source_list_permission_expiring(),
    }
