"""Stored (pre-rendered) article pages and precomputed related articles."""

from __future__ import annotations

from django.db import models

from articles.models.articles import SCRIPTS, Article


class ArticlePage(models.Model):
    """An article's public page in one script, rendered when the article (or what it shows) changed, so a
    reader's request does not render it (see ``articles.pages``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pages")
    language = models.CharField(max_length=10, choices=SCRIPTS)
    html = models.TextField()
    card = models.TextField(blank=True, default="", help_text="Its card in the lists (home, tag and source pages).")
    build = models.CharField(max_length=32, help_text="The templates and static files it was rendered with.")
    rendered_at = models.DateTimeField()
    # The article's page_version this was rendered from: served only while the two are equal.
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "預先產生的頁面"
        verbose_name_plural = "預先產生的頁面"
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="unique_article_page")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.language}"


class RelatedArticle(models.Model):
    """A precomputed, pinned or excluded related article, shown on the article page in ``position`` order."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", "自動計算"
        PINNED = "pinned", "編輯釘選"
        EXCLUDED = "excluded", "編輯排除"

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="related_rows")
    related = models.ForeignKey(Article, verbose_name="相關文章", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("類型", max_length=10, choices=Kind.choices, default=Kind.COMPUTED)
    score = models.FloatField("分數", default=0)
    position = models.PositiveSmallIntegerField("順序", default=0)

    class Meta:
        verbose_name = "相關文章"
        verbose_name_plural = "相關文章"
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="unique_related_pair"),
        ]
        indexes = [
            models.Index(fields=["article", "kind", "position"], name="related_article_kind_pos"),
            models.Index(fields=["related"], name="related_reverse"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id} ({self.kind})"
