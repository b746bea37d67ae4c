"""Tags: one per concept whatever the script."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from taggit.managers import _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles.models.slugs import FormerSlug, StoredSlugMixin, find_by_slug, free_slug, traditional_slug
from articles.text import chinese


class Tag(StoredSlugMixin, TagBase):
    """One tag per concept whatever the script: the name is kept in Traditional form."""

    # taggit's own fields, declared again only for labels an editor reads (taggit has no Traditional Chinese).
    name = models.CharField("名稱", unique=True, max_length=100,
                            help_text="以繁體儲存；輸入簡體也會轉為繁體，簡體版自動產生。")
    slug = models.SlugField("網址代稱", unique=True, max_length=100, allow_unicode=True,
                            help_text="出現在標籤頁網址中，一律使用繁體；改了之後，舊網址會永久轉址到新網址。")
    name_hans = models.CharField("簡體名稱", max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = "標籤"
        verbose_name_plural = "標籤"

    def save(self, *args, **kwargs) -> None:
        former = self.stored_slug
        with chinese.one_glossary():
            self.name = chinese.to_hant(self.name)
            self.name_hans = chinese.to_hans(self.name)
            # Without a slug, taggit makes one from the (Traditional) name; one typed in the admin is converted.
            if self.slug and self.slug_edited():
                wanted = traditional_slug(self.slug, max_length=100, fallback=self.slug)
                if wanted != self.slug:
                    wanted = free_slug(Tag, wanted, pk=self.pk, max_length=100)
                self.slug = wanted
        super().save(*args, **kwargs)
        if former and former != self.slug:
            FormerTagSlug.remember(owner=self, slug=former)
        self.mark_slug_stored()

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def localized_name(self, language: str) -> str:
        return (self.name_hans if language == "zh-hans" else self.name) or self.name

    @classmethod
    def for_slug(cls, slug: str) -> tuple[Tag | None, bool]:
        """The tag a path's slug names, and whether the slug is an old one (``slugs.find_by_slug``: 比特币 finds
        比特幣)."""
        return find_by_slug(cls, FormerTagSlug, slug, max_length=100)


class FormerTagSlug(FormerSlug):
    """A slug a tag had before, kept so its old addresses answer 301 to the new one."""

    OWNER = "tag"
    tag = models.ForeignKey(Tag, verbose_name="標籤", on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField("舊網址代稱", max_length=100, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = "標籤舊網址"
        verbose_name_plural = "標籤舊網址"


class CanonicalTagManager(_TaggableManager):
    """Tags are stored once per concept: names typed in either script land on the Traditional form."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        tags = [chinese.to_hant(tag.strip()) if isinstance(tag, str) else tag for tag in tags]
        return super()._to_tag_model_instances([t for t in tags if t], tag_kwargs)


class TaggedArticle(TaggedItemBase):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = "文章標籤"
        verbose_name_plural = "文章標籤"
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]
        indexes = [
            # "The newest articles with this tag": related-article candidates and common-tag pages.
            # PostgreSQL otherwise sorts every row of a common tag (127 ms -> 27 ms per related recompute).
            models.Index(fields=["tag", "-content_object"], name="tagged_tag_newest"),
        ]
