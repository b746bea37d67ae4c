"""Articles and the one publishing rule readers see (``ArticleQuerySet.published``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from articles.models.images import Image
from articles.models.slugs import StoredSlugMixin, traditional_slug
from articles.models.sources import Source
from articles.models.tags import CanonicalTagManager, TaggedArticle
from articles.text import chinese, sanitize

SCRIPTS = [("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
RESERVED_SLUGS = {"share"}


def reprint_valid(on: datetime.date) -> Q:
    """Articles whose source and original source both allow publication on ``on``."""
    return Source.permission_valid("source", on) & Source.permission_valid("original_source", on)


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now: datetime.datetime | None = None,
                  today: datetime.date | None = None) -> ArticleQuerySet:
        """The one publishing rule readers see.

        Published articles, and scheduled ones whose time has come — so a late or missing
        cron run never delays a story — whose sources' reprint permissions are valid today
        (Asia/Taipei; ``today`` defaults to the date of ``now``), so an expired permission takes
        its articles off the site at midnight whether or not ``publish_scheduled`` has run.
        ``listed_at`` is a database-computed column, ``publish_at`` for exactly those two statuses
        and null otherwise, whatever writes the row: one range test on one indexed column plus two
        joins to sources is the whole rule, and the index gives lists their newest-first order.
        """
        now = now or timezone.now()
        today = today or timezone.localdate(now)
        return self.filter(reprint_valid(today), listed_at__lte=now)

    def listed(self) -> ArticleQuerySet:
        """Published and scheduled articles: public now or at a set time (their pages are rendered ahead)."""
        return self.filter(listed_at__isnull=False)

    def reprint_lapsed(self, *, today: datetime.date | None = None) -> ArticleQuerySet:
        """Listed articles whose source's or original source's permission is not valid ``today``."""
        return self.listed().exclude(reprint_valid(today or timezone.localdate()))

    def due(self) -> ArticleQuerySet:
        """Scheduled articles whose ``publish_at`` has passed but whose status is not flipped yet."""
        return self.filter(status=Article.Status.SCHEDULED, publish_at__lte=timezone.now())

    def for_list(self) -> ArticleQuerySet:
        """What every public list needs in a constant number of queries."""
        return self.select_related("source", "featured_image").order_by("-listed_at", "-id")


class Article(StoredSlugMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待審"
        SCHEDULED = "scheduled", "已排程"
        PUBLISHED = "published", "已發布"
        ARCHIVED = "archived", "已封存"

    title = models.CharField("標題", max_length=300)
    slug = models.SlugField("網址代稱", max_length=200, allow_unicode=True, blank=True,
                            help_text="出現在文章網址中，一律使用繁體；留空會依標題自動產生，簡體會轉為繁體。")
    summary = models.TextField("摘要", blank=True, help_text="列表與分享預覽使用的一兩句話。")
    body = models.TextField("內文", help_text="HTML；儲存時會清除不安全的標籤與屬性。")
    language = models.CharField("撰寫字體", max_length=10, choices=SCRIPTS, default="zh-hant",
                                help_text="內文以哪種字體撰寫；另一種字體會在儲存時自動轉換。")
    author = models.CharField("作者", max_length=200, blank=True, help_text="署名，例如：編譯／王小明。")
    status = models.CharField("狀態", max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField("發布時間", null=True, blank=True,
                                      help_text="排程發布的時間；立即發布時會自動填入。")
    published_at = models.DateTimeField("實際發布時間", null=True, blank=True, editable=False)
    # Computed by the database: publish_at when the status is published or scheduled, else null, whatever writes
    # the row (a queryset update() too). See published(). Not refreshed by save(): read again when accessed.
    listed_at = models.GeneratedField(
        expression=Case(When(status__in=["published", "scheduled"], then=F("publish_at"))),
        output_field=models.DateTimeField(null=True, blank=True),
        db_persist=True,
        null=True,
    )

    source = models.ForeignKey(Source, verbose_name="資訊來源", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="articles", help_text="本文編譯自哪個媒體；本站原創可留空。")
    original_source = models.ForeignKey(Source, verbose_name="原文來源", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="original_articles",
                                        help_text="原文最初刊登的媒體（如與資訊來源不同）。")
    original_url = models.URLField("原文網址", max_length=500, blank=True)
    guid = models.CharField("匯入識別碼", max_length=300, blank=True,
                            help_text="來源中的唯一識別碼，匯入時用來避免重複。")
    copyright_notice = models.TextField("版權聲明", blank=True,
                                        help_text="留空時使用來源的預設版權聲明。")
    featured_image = models.ForeignKey(Image, verbose_name="主圖", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="articles")
    tags = TaggableManager("標籤", through=TaggedArticle, manager=CanonicalTagManager, blank=True,
                           help_text="以逗號分隔多個標籤；簡體或繁體都會歸到同一個標籤。")
    share_total = models.PositiveIntegerField("分享次數", default=0, editable=False)
    # Imports: the upstream record's checksum (unchanged upstream = nothing to do) and the checksum of
    # the content as the import wrote it (differs once an editor has edited the article since).
    import_checksum = models.CharField(max_length=64, blank=True, editable=False)
    import_content_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField("匯入時間", null=True, blank=True, editable=False)
    # Optimistic locking: every save through services.article_save adds one; a form based on an older
    # number is refused instead of silently overwriting a colleague's edit.
    version = models.PositiveIntegerField("版本", default=0, editable=False,
                                          help_text="每次儲存加一；用來偵測兩位編輯同時修改同一篇文章。")
    # Raised, inside the writing transaction, by every write that changes what the article's page or card shows
    # (the article, its tags, sources, picture or related list): a stored page of another number is never served.
    page_version = models.PositiveBigIntegerField(default=1, editable=False)

    # Both script variants, derived when the article is saved, never on a reader's request.
    title_hant = models.CharField(max_length=300, blank=True, editable=False)
    title_hans = models.CharField(max_length=300, blank=True, editable=False)
    summary_hant = models.TextField(blank=True, editable=False)
    summary_hans = models.TextField(blank=True, editable=False)
    body_hant = models.TextField(blank=True, editable=False)
    body_hans = models.TextField(blank=True, editable=False)
    copyright_hant = models.TextField(blank=True, editable=False)
    copyright_hans = models.TextField(blank=True, editable=False)
    author_hant = models.CharField(max_length=200, blank=True, editable=False)
    author_hans = models.CharField(max_length=200, blank=True, editable=False)

    created_at = models.DateTimeField("建立時間", auto_now_add=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="建立者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最後編輯者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    objects = ArticleQuerySet.as_manager()
    ATOMIC_COUNTERS = frozenset({"share_total", "page_version"})
    # What derive_variants writes: every reader-visible text of the article in both scripts.
    VARIANT_FIELDS = ("title_hant", "title_hans", "summary_hant", "summary_hans", "body_hant", "body_hans",
                      "copyright_hant", "copyright_hans", "author_hant", "author_hans")
    LOCALIZED_FIELDS = frozenset({"title", "summary", "body", "copyright", "author"})

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["-publish_at", "-id"]
        permissions = [
            ("publish_article", "可以發布、排程與下架文章"),
            ("archive_article", "可以封存文章"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], condition=~Q(guid=""),
                                    name="unique_guid_per_source"),
        ]
        indexes = [
            # Home page and feeds: public articles newest first, straight off the index (no sort).
            models.Index(fields=["-listed_at", "-id"], name="article_listed"),
            # Source pages.
            models.Index(fields=["source", "-listed_at", "-id"], name="article_source_listed"),
            # The admin's status filter and publish_scheduled.
            models.Index(fields=["status", "-publish_at"], name="article_status_pub"),
            # The admin's article list (newest first, whatever the status).
            models.Index(fields=["-publish_at", "-id"], name="article_pub_desc"),
            models.Index(fields=["original_url"], name="article_original_url"),
            # The admin's search by exact import id and author (articles.selectors.article_desk_search).
            models.Index(fields=["guid"], name="article_guid"),
            models.Index(fields=["author"], name="article_author"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.prepare_to_save()
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            # Counters are written only by atomic F() updates (share clicks; page_version, raised by every write
            # that changes what the page shows): a save from a copy read earlier must not put an old value back.
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in self.ATOMIC_COUNTERS]
        elif "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"body", "slug", *self.VARIANT_FIELDS}
        adding = self._state.adding
        super().save(*args, **kwargs)
        self.mark_slug_stored()
        if not adding:  # an insert returns the computed listed_at; an update leaves the old one: read it again
            self.__dict__.pop("listed_at", None)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def prepare_to_save(self) -> None:
        """What every save does before writing: sanitise the body, give a slug, derive both variants. (``save`` calls
        it; a ``bulk_create``, which never calls ``save``, must call it for each article first.)"""
        self.body = sanitize.clean_html(self.body)
        with chinese.one_glossary():
            self.derive_variants()
            if not self.slug or self.slug_edited():
                # One slug for both sites, in the root site's script (articles.models.slugs); a slug kept from an
                # earlier save is never converted again, so the URL does not move with the converter.
                self.slug = traditional_slug(self.slug or self.title_hant, fallback="article")
        if self.slug in RESERVED_SLUGS:  # /articles/<id>/share/ is the share endpoint
            self.slug = f"{self.slug}-{self.language}"

    def derive_variants(self) -> None:
        """Store the Traditional and Simplified text of title, summary, body, byline and the article's own notice
        (the source's default is the source's, read when shown)."""
        self.title_hant, self.title_hans = chinese.both_variants(self.title, self.language)
        self.author_hant, self.author_hans = chinese.both_variants(self.author, self.language)
        self.summary_hant, self.summary_hans = chinese.both_variants(self.summary, self.language)
        self.body_hant, self.body_hans = chinese.both_variants(self.body, self.language, html=True)
        self.copyright_hant = chinese.to_hant(self.copyright_notice)
        self.copyright_hans = chinese.to_hans(self.copyright_notice)

    def reprint_problems(self, on: datetime.date | None = None) -> list[str]:
        """Why its source or original source stops this article from being public on ``on`` (today)."""
        on = on or timezone.localdate()
        problems = []
        for source in (self.source, self.original_source):
            problem = source.reprint_problem(on=on) if source is not None else None
            if problem and problem not in problems:
                problems.append(problem)
        return problems

    @property
    def is_public(self) -> bool:
        """``published()`` for one loaded article (its sources are read: select them with it)."""
        now = timezone.now()
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.publish_at is not None
            and self.publish_at <= now
            and not self.reprint_problems(on=timezone.localdate(now))
        )

    @property
    def effective_copyright(self) -> str:
        if self.copyright_notice:
            return self.copyright_notice
        return self.source.copyright_notice if self.source_id else ""

    def localized(self, field: str, language: str) -> str:
        """``field`` (one of ``LOCALIZED_FIELDS``) as stored for readers of ``language``."""
        suffix = "hans" if language == "zh-hans" else "hant"
        if field == "copyright":
            if self.copyright_notice:
                return getattr(self, f"copyright_{suffix}") or self.copyright_notice
            return self.source.localized_copyright(language) if self.source_id else ""
        return getattr(self, f"{field}_{suffix}") or getattr(self, field)
