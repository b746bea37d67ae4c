"""Creating articles in bulk (imports): what ``article_save`` and ``article_set_tags`` do for a new article, for many
articles in a few queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import events, search
from articles.models import Article, Tag, TaggedArticle
from articles.services.articles import article_publish_problems
from articles.services.common import User
from articles.services.revisions import revisions_record_bulk
from articles.services.tags import tags_for_names
from articles.text import chinese

LISTED = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


def article_check_new(*, article: Article, user: User = None) -> None:
    """Refuse (``ValidationError``) a new article ``articles_create`` would refuse: its fields, and the reprint gate
    when it would be listed. Also fills in who creates it.

    For a caller gathering many articles for one ``articles_create``: a refused one can be left out (and reported)
    before the others are written. Two checks are left to the database, where ``article_save`` first asks in
    Python: the unique (source, guid) index (``IntegrityError``) — a caller that has just looked (an import) need not
    pay twice, and only the index decides a race anyway — and, for a relation given as a row read from the database
    (``article.source = source``), that the row still exists: the foreign key refuses the commit otherwise.
    """
    if article.pk is not None:
        raise ValueError("articles_create creates new articles; article_save saves a stored one.")
    if user is not None and getattr(user, "is_authenticated", False):
        if article.created_by_id is None:
            article.created_by = user
        article.updated_by = user
    loaded = [field.name for field in Article._meta.concrete_fields
              if field.many_to_one and field.is_cached(article) and getattr(article, field.name) is not None
              and not getattr(article, field.name)._state.adding]
    article.full_clean(exclude=["tags", *loaded], validate_constraints=False)
    if article.status in LISTED:  # the reprint gate, as article_save applies it
        problems = article_publish_problems(article=article)
        if problems:
            raise ValidationError(problems)


@transaction.atomic
def articles_create(*, articles: Sequence[Article], tags: Sequence[Iterable[str | Tag]] | None = None,
                    user: User = None, note: str = "") -> list[Article]:
    """Create new articles, ``tags[i]`` on ``articles[i]`` (names in either script, or ``Tag`` rows); all or none.

    For each, what ``article_save`` and then ``article_set_tags`` do for a new article — the checks
    (``article_check_new``), who created it, one revision with its tags, the search index, the change recorded — in a
    constant number of queries for the lot. Raises ``ValidationError`` for the first article refused.
    """
    tags = [list(names) for names in tags] if tags is not None else [[] for _ in articles]
    if len(tags) != len(articles):
        raise ValueError("articles_create needs one list of tags per article.")
    with chinese.one_glossary():  # one read of the glossary for every variant derived here
        for article in articles:
            article_check_new(article=article, user=user)
            article.version += 1
            article.prepare_to_save()
        by_name = tags_for_names(names=[name for names in tags for name in names if not isinstance(name, Tag)])
    chosen = [[tag for tag in dict.fromkeys(tag if isinstance(tag, Tag) else by_name.get(tag) for tag in names)
               if tag is not None] for names in tags]
    Article.objects.bulk_create(articles)
    TaggedArticle.objects.bulk_create([TaggedArticle(tag=tag, content_object=article)
                                       for article, rows in zip(articles, chosen, strict=True) for tag in rows])
    revisions_record_bulk(articles=list(articles), note=note, user=user,
                          tags=[[tag.name for tag in rows] for rows in chosen])
    search.insert_rows(articles)  # new rows: nothing to replace, and their text is at hand (one statement)
    events.record(articles=[article.pk for article in articles])
    return list(articles)


def article_create(*, article: Article, tags: Iterable[str | Tag] = (), user: User = None, note: str = "") -> Article:
    """Create one new article with its tags in one step (``articles_create`` for one)."""
    return articles_create(articles=[article], tags=[tags], user=user, note=note)[0]
