"""Sources: the outlets we compile from (and ourselves), with their reprint permission."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.models.slugs import FormerSlug, StoredSlugMixin, find_by_slug, free_slug, traditional_slug
from articles.text import chinese, variants


class Source(StoredSlugMixin, models.Model):
    """An outlet we compile from, or ourselves."""

    class Kind(models.TextChoices):
        PUBLISHER = "publisher", "出版者"
        AGGREGATOR = "aggregator", "彙整網站"
        AGENCY = "agency", "通訊社"
        OWN = "own", "本站"

    class Permission(models.TextChoices):
        NONE = "none", "未取得授權"
        GRANTED = "granted", "已取得轉載授權"
        PUBLIC = "public", "公開授權"
        OWN = "own", "本站內容"

    name = models.CharField("名稱", max_length=200, unique=True)
    slug = models.SlugField("網址代稱", max_length=200, unique=True, allow_unicode=True, blank=True,
                            help_text="出現在來源頁網址中，一律使用繁體；留空會依名稱自動產生。"
                                      "改了之後，舊網址會永久轉址到新網址。")
    kind = models.CharField("類型", max_length=20, choices=Kind.choices, default=Kind.PUBLISHER)
    homepage = models.URLField("首頁", blank=True)
    feed_url = models.URLField("RSS/Atom 網址", blank=True)
    logo = models.ImageField(
        "標誌", upload_to="sources/", blank=True,
        help_text="JPEG、PNG、WebP 或 GIF；上傳時會檢查檔案、移除 EXIF／GPS 等中繼資料，並依內容重新命名。",
    )
    copyright_notice = models.TextField(
        "預設版權聲明", blank=True,
        help_text="從此來源編譯的文章預設使用的版權聲明，例如：版權歸作者所有，未經許可，不得轉載。",
    )
    reprint_permission = models.CharField(
        "轉載授權", max_length=20, choices=Permission.choices, default=Permission.NONE,
        help_text="未取得授權或授權已過期時，編譯自此來源的文章不能發布。",
    )
    permission_note = models.TextField("授權說明", blank=True, help_text="授權的內容、聯絡人或合約編號。")
    permission_expires = models.DateField("授權到期日", null=True, blank=True,
                                          help_text="僅適用於「已取得轉載授權」；留空表示沒有期限。")
    name_hans = models.CharField("簡體名稱", max_length=200, blank=True, editable=False)
    name_hant = models.CharField("繁體名稱", max_length=200, blank=True, editable=False)
    # The default notice in both scripts, derived in save(); articles without a notice of their own show it
    # when their page is rendered, so a new default reaches every article of the source without re-saving it.
    copyright_hant = models.TextField(blank=True, editable=False)
    copyright_hans = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = "來源"
        verbose_name_plural = "來源"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        former = self.stored_slug
        with chinese.one_glossary():
            if not self.slug or self.slug_edited():
                # One slug for both sites, in the root site's script (articles.models.slugs).
                wanted = traditional_slug(self.slug or self.name, fallback="source")
                if wanted != self.slug:  # made or converted here: the editor's form could not check it was free
                    wanted = free_slug(Source, wanted, pk=self.pk, max_length=200)
                self.slug = wanted
            # The outlet's name and notice as typed, in the script they were typed in (台灣日報 stays 台灣日報).
            self.name_hant, self.name_hans = variants.both_ways(self.name)
            self.copyright_hant, self.copyright_hans = variants.both_ways(self.copyright_notice)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "slug", "name_hant", "name_hans", "copyright_hant", "copyright_hans"}
        super().save(*args, **kwargs)
        if former and former != self.slug:
            FormerSourceSlug.remember(owner=self, slug=former)
        self.mark_slug_stored()

    def get_absolute_url(self) -> str:
        return reverse("articles:source", kwargs={"slug": self.slug})

    def localized_name(self, language: str) -> str:
        return (self.name_hans if language == "zh-hans" else self.name_hant) or self.name

    @classmethod
    def for_slug(cls, slug: str) -> tuple[Source | None, bool]:
        """The source a path's slug names, and whether the slug is an old one (``slugs.find_by_slug``)."""
        return find_by_slug(cls, FormerSourceSlug, slug, max_length=200)

    def localized_copyright(self, language: str) -> str:
        return (self.copyright_hans if language == "zh-hans" else self.copyright_hant) or self.copyright_notice

    # The reprint rule, in its one home: ``reprint_problem`` says it for one source in the editor's words,
    # ``permission_valid`` says it in SQL for the public queryset (tests/test_gate.py checks they agree).
    # Own content and public licences are always valid; a granted permission until the end of its expiry day
    # (Asia/Taipei); none never.

    def reprint_problem(self, on: datetime.date | None = None) -> str | None:
        """Why this source's articles may not be published on ``on`` (today), or None when they may."""
        on = on or timezone.localdate()
        if self.reprint_permission in (self.Permission.OWN, self.Permission.PUBLIC):
            return None
        if self.reprint_permission == self.Permission.GRANTED:
            if self.permission_expires and self.permission_expires < on:
                return f"「{self.name}」的轉載授權已於 {self.permission_expires:%Y-%m-%d} 到期。"
            return None
        return f"尚未取得「{self.name}」的轉載授權。"

    @classmethod
    def permission_valid(cls, prefix: str, on: datetime.date) -> Q:
        """Rows whose source at ``prefix`` (a foreign key path, e.g. ``"source"``) allows publication on ``on``;
        no source at all is valid (our own article)."""
        return (
            Q(**{f"{prefix}__isnull": True})
            | Q(**{f"{prefix}__reprint_permission__in": [cls.Permission.OWN, cls.Permission.PUBLIC]})
            | (Q(**{f"{prefix}__reprint_permission": cls.Permission.GRANTED})
               & (Q(**{f"{prefix}__permission_expires__isnull": True})
                  | Q(**{f"{prefix}__permission_expires__gte": on})))
        )


class FormerSourceSlug(FormerSlug):
    """A slug a source had before, kept so its old addresses answer 301 to the new one."""

    OWNER = "source"
    source = models.ForeignKey(Source, verbose_name="來源", on_delete=models.CASCADE, related_name="former_slugs")
    slug = models.SlugField("舊網址代稱", max_length=200, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = "來源舊網址"
        verbose_name_plural = "來源舊網址"
