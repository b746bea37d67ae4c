"""Fill the new script variants (bylines, alt texts; captions, credits and source names kept as typed in the script
they were typed in) and make existing slugs Traditional.

Article slugs are converted in place (an article's address carries its id: any other slug answers 301). Tag and
source slugs that change are kept as former slugs, so their old addresses answer 301. Safe to run again: a
Traditional slug converts to itself, and a variant is derived from the text it belongs to.

Converts with the glossary as this migration's own model of it reads it, never through today's model.
"""

import contextlib

from django.db import migrations
from django.utils.text import slugify

BATCH = 500
RESERVED_SLUGS = {"share"}


def _slug(text, max_length):
    from articles.text import variants

    traditional, _simplified = variants.both_ways(text or "")
    return slugify(traditional, allow_unicode=True)[:max_length].strip("-")


@contextlib.contextmanager
def _glossary(apps):
    from articles.text import chinese

    rows = apps.get_model("articles", "GlossaryTerm").objects.filter(active=True).values_list("simplified",
                                                                                              "traditional")
    problem = getattr(chinese, "term_problem", lambda simplified, traditional: None)
    terms = [chinese.Term(simplified=s, traditional=t) for s, t in rows if problem(s, t) is None]
    previous = chinese.set_glossary_provider(lambda: terms)
    try:
        with chinese.one_glossary():
            yield
    finally:
        chinese.set_glossary_provider(previous)


def _batches(queryset):
    batch = []
    for row in queryset.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _articles(apps):
    from articles.text import chinese

    Article = apps.get_model("articles", "Article")
    fields = ("pk", "slug", "language", "title", "title_hant", "author", "author_hant", "author_hans")
    for batch in _batches(Article.objects.only(*fields)):
        for article in batch:
            article.author_hant, article.author_hans = chinese.both_variants(article.author, article.language)
            if article.title_hant and article.slug == slugify(article.title, allow_unicode=True)[:200].strip("-"):
                slug = _slug(article.title_hant, 200)  # made from the title: made again from its Traditional text
            else:
                slug = _slug(article.slug, 200)  # an editor's: its characters converted, its words kept
            if slug and slug not in RESERVED_SLUGS:
                article.slug = slug
        Article.objects.bulk_update(batch, ["slug", "author_hant", "author_hans"])


def _images(apps):
    from articles.text import variants

    Image = apps.get_model("articles", "Image")
    for batch in _batches(Image.objects.all()):
        for image in batch:
            image.alt_hant, image.alt_hans = variants.both_ways(image.alt_text)
            image.caption_hant, image.caption_hans = variants.both_ways(image.caption)
            image.credit_hant, image.credit_hans = variants.both_ways(image.credit)
        Image.objects.bulk_update(batch, ["alt_hant", "alt_hans", "caption_hant", "caption_hans", "credit_hant",
                                          "credit_hans"])


def _source_names(apps):
    from articles.text import variants

    Source = apps.get_model("articles", "Source")
    for batch in _batches(Source.objects.all()):
        for source in batch:
            source.name_hant, source.name_hans = variants.both_ways(source.name)
            source.copyright_hant, source.copyright_hans = variants.both_ways(source.copyright_notice)
        Source.objects.bulk_update(batch, ["name_hant", "name_hans", "copyright_hant", "copyright_hans"])


def _moved(model, former_model, owner, max_length):
    """Give each row of ``model`` its Traditional slug, remembering the old one in ``former_model``."""
    for row in model.objects.order_by("pk"):
        slug = _slug(row.slug, max_length)
        if not slug or slug == row.slug:
            continue
        candidate, number = slug, 1
        while model.objects.filter(slug=candidate).exclude(pk=row.pk).exists():
            number += 1
            candidate = f"{slug[:max_length - len(str(number)) - 1]}-{number}"
        former_model.objects.update_or_create(slug=row.slug, defaults={owner: row})
        former_model.objects.filter(slug=candidate).delete()
        model.objects.filter(pk=row.pk).update(slug=candidate)


def forwards(apps, schema_editor):
    with _glossary(apps):
        _articles(apps)
        _images(apps)
        _source_names(apps)
        _moved(apps.get_model("articles", "Source"), apps.get_model("articles", "FormerSourceSlug"), "source", 200)
        _moved(apps.get_model("articles", "Tag"), apps.get_model("articles", "FormerTagSlug"), "tag", 100)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0022_fields_in_both_scripts_and_traditional_slugs"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
