"""The newsroom's domain: sources, articles, images and tags."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import DatabaseError, models
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles import chinese, sanitize

SCRIPTS = [("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
RESERVED_SLUGS = {"share"}


class Source(models.Model):
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
                            help_text="出現在來源頁網址中；留空會依名稱自動產生。")
    kind = models.CharField("類型", max_length=20, choices=Kind.choices, default=Kind.PUBLISHER)
    homepage = models.URLField("首頁", blank=True)
    feed_url = models.URLField("RSS/Atom 網址", blank=True)
    logo = models.ImageField("標誌", upload_to="sources/", blank=True)
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
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)[:200] or "source"
        self.name_hant = chinese.to_hant(self.name)
        self.name_hans = chinese.to_hans(self.name)
        self.copyright_hant = chinese.to_hant(self.copyright_notice)
        self.copyright_hans = chinese.to_hans(self.copyright_notice)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "slug", "name_hant", "name_hans", "copyright_hant", "copyright_hans"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:source", kwargs={"slug": self.slug})

    def localized_name(self, language: str) -> str:
        return (self.name_hans if language == "zh-hans" else self.name_hant) or self.name

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


def image_upload_to(instance: Image, filename: str) -> str:
    # Stored names are generated from the content hash, never taken from the upload.
    ext = (instance.format or "bin").lower().replace("jpeg", "jpg")
    digest = instance.content_hash or "pending"
    return f"images/{digest[:2]}/{digest}.{ext}"


class Image(models.Model):
    """An uploaded picture with its credit; one row per distinct file."""

    file = models.ImageField("檔案", upload_to=image_upload_to, width_field="width", height_field="height",
                             max_length=255)
    width = models.PositiveIntegerField("寬度", default=0, editable=False)
    height = models.PositiveIntegerField("高度", default=0, editable=False)
    format = models.CharField("格式", max_length=10, blank=True, editable=False)
    content_hash = models.CharField("內容雜湊", max_length=64, unique=True, editable=False)
    alt_text = models.CharField("替代文字", max_length=300,
                                help_text="描述圖片內容，供螢幕閱讀器與搜尋引擎使用（必填）。")
    caption = models.CharField("圖說", max_length=500, blank=True)
    credit = models.CharField("圖片來源", max_length=200, blank=True,
                              help_text="顯示在圖片下方，例如：由無界AI 生成、路透社。")
    ai_generated = models.BooleanField("AI 生成", default=False, help_text="圖片由 AI 生成時勾選，讀者會看到標示。")
    focal_x = models.FloatField("焦點 X", default=0.5, help_text="裁切社群預覽圖時保留的焦點，0（左）到 1（右）。")
    focal_y = models.FloatField("焦點 Y", default=0.5, help_text="裁切社群預覽圖時保留的焦點，0（上）到 1（下）。")
    source = models.ForeignKey(Source, verbose_name="圖片出處", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="images")
    credit_hans = models.CharField(max_length=200, blank=True, editable=False)
    credit_hant = models.CharField(max_length=200, blank=True, editable=False)
    caption_hans = models.CharField(max_length=500, blank=True, editable=False)
    caption_hant = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField("上傳時間", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上傳者", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = "圖片"
        verbose_name_plural = "圖片"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.alt_text or f"圖片 {self.pk}"

    def save(self, *args, **kwargs) -> None:
        self.credit_hant, self.credit_hans = chinese.to_hant(self.credit), chinese.to_hans(self.credit)
        self.caption_hant, self.caption_hans = chinese.to_hant(self.caption), chinese.to_hans(self.caption)
        super().save(*args, **kwargs)

    def localized_credit(self, language: str) -> str:
        return (self.credit_hans if language == "zh-hans" else self.credit_hant) or self.credit

    def localized_caption(self, language: str) -> str:
        return (self.caption_hans if language == "zh-hans" else self.caption_hant) or self.caption


class Tag(TagBase):
    """One tag per concept whatever the script: the name is kept in Traditional form."""

    name_hans = models.CharField("簡體名稱", max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = "標籤"
        verbose_name_plural = "標籤"

    def save(self, *args, **kwargs) -> None:
        self.name = chinese.to_hant(self.name)
        self.name_hans = chinese.to_hans(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})

    def localized_name(self, language: str) -> str:
        return (self.name_hans if language == "zh-hans" else self.name) or self.name


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


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "待審"
        SCHEDULED = "scheduled", "已排程"
        PUBLISHED = "published", "已發布"
        ARCHIVED = "archived", "已封存"

    title = models.CharField("標題", max_length=300)
    slug = models.SlugField("網址代稱", max_length=200, allow_unicode=True, blank=True,
                            help_text="出現在文章網址中；留空會依標題自動產生。")
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

    created_at = models.DateTimeField("建立時間", auto_now_add=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="建立者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最後編輯者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    objects = ArticleQuerySet.as_manager()
    ATOMIC_COUNTERS = frozenset({"share_total", "page_version"})

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
            models.Index(fields=["original_url"], name="article_original_url"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body = sanitize.clean_html(self.body)
        if not self.slug:
            self.slug = slugify(self.title, allow_unicode=True)[:200].strip("-") or "article"
        if self.slug in RESERVED_SLUGS:  # /articles/<id>/share/ is the share endpoint
            self.slug = f"{self.slug}-{self.language}"
        with chinese.one_glossary():
            self.derive_variants()
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            # Counters are written only by atomic F() updates (share clicks; page_version, raised by every write
            # that changes what the page shows): a save from a copy read earlier must not put an old value back.
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in self.ATOMIC_COUNTERS]
        elif "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "body", "slug", "title_hant", "title_hans", "summary_hant", "summary_hans",
                "body_hant", "body_hans", "copyright_hant", "copyright_hans",
            }
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # an insert returns the computed listed_at; an update leaves the old one: read it again
            self.__dict__.pop("listed_at", None)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def derive_variants(self) -> None:
        """Store the Traditional and Simplified text of title, summary, body and the article's own notice (the
        source's default is the source's, read when shown)."""
        self.title_hant, self.title_hans = chinese.both_variants(self.title, self.language)
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
        suffix = "hans" if language == "zh-hans" else "hant"
        if field == "copyright":
            if self.copyright_notice:
                return getattr(self, f"copyright_{suffix}") or self.copyright_notice
            return self.source.localized_copyright(language) if self.source_id else ""
        return getattr(self, f"{field}_{suffix}") or getattr(self, field)


class GlossaryTerm(models.Model):
    """A site term fed to OpenCC as a whole phrase, so it can never rewrite part of a longer word."""

    simplified = models.CharField("簡體", max_length=100, unique=True,
                                  help_text="簡體字形，例如：内卷。至少兩個字。")
    traditional = models.CharField("繁體（台灣）", max_length=100,
                                   help_text="台灣用語的繁體字形，例如：內捲。")
    note = models.CharField("說明", max_length=300, blank=True, help_text="為什麼需要這個詞條。")
    active = models.BooleanField("啟用", default=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最後編輯者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = "詞彙表詞條"
        verbose_name_plural = "詞彙表"
        ordering = ["simplified"]

    def __str__(self) -> str:
        return f"{self.simplified} → {self.traditional}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.simplified = (self.simplified or "").strip()
        self.traditional = (self.traditional or "").strip()
        problem = chinese.term_problem(self.simplified, self.traditional)
        if problem:
            raise ValidationError({"simplified": problem})

    def as_term(self) -> chinese.Term:
        return chinese.Term(self.simplified, self.traditional)

    @classmethod
    def active_terms(cls) -> list[chinese.Term]:
        """The glossary every conversion uses (``chinese.glossary_provider``): active terms that are safe."""
        try:
            rows = list(cls.objects.filter(active=True).values_list("simplified", "traditional"))
        except DatabaseError:  # before migrations there is no glossary
            return []
        return [chinese.Term(s, t) for s, t in rows if chinese.term_problem(s, t) is None]


class ShareCount(models.Model):
    """Share clicks for one article on one network on one day; incremented in the database, never in Python."""

    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        LINE = "line", "LINE"
        TELEGRAM = "telegram", "Telegram"
        WEIBO = "weibo", "微博"
        WHATSAPP = "whatsapp", "WhatsApp"
        EMAIL = "email", "電子郵件"
        COPY = "copy", "複製連結"

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="share_counts")
    network = models.CharField("社群網路", max_length=20, choices=Network.choices)
    day = models.DateField("日期")
    count = models.PositiveIntegerField("次數", default=0)

    class Meta:
        verbose_name = "分享次數"
        verbose_name_plural = "分享次數"
        constraints = [
            models.UniqueConstraint(fields=["article", "network", "day"], name="unique_share_per_article_network_day"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="share_day_article")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.network} {self.day}: {self.count}"


def rendition_upload_to(instance: Rendition, filename: str) -> str:
    digest = instance.image.content_hash
    ext = (instance.format or "bin").lower().replace("jpeg", "jpg")
    return f"renditions/{digest[:2]}/{digest}-{instance.spec}.{ext}"


class Rendition(models.Model):
    """One stored resized copy of an image per spec, made at write time, never on a reader's request."""

    image = models.ForeignKey(Image, verbose_name="圖片", on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField("規格", max_length=50, help_text="例如 w640-webp、og-jpeg。")
    file = models.ImageField("檔案", upload_to=rendition_upload_to, width_field="width", height_field="height",
                             max_length=255)
    width = models.PositiveIntegerField("寬度", default=0)
    height = models.PositiveIntegerField("高度", default=0)
    format = models.CharField("格式", max_length=10)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "圖片尺寸版本"
        verbose_name_plural = "圖片尺寸版本"
        constraints = [models.UniqueConstraint(fields=["image", "spec"], name="unique_rendition_per_spec")]

    def __str__(self) -> str:
        return f"{self.image_id} {self.spec}"


class ArticlePage(models.Model):
    """An article's public page in one script, rendered when the article (or what it shows) changed, so a
    reader's request does not render it (see ``articles.caching.stored``)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pages")
    language = models.CharField(max_length=10, choices=SCRIPTS)
    html = models.TextField()
    card = models.TextField(blank=True, default="", help_text="Its card in the lists (home, tag and source pages).")
    build = models.CharField(max_length=32, help_text="The templates and static files it was rendered with.")
    rendered_at = models.DateTimeField()
    # The article's page_version this was rendered from: served only while the two are equal.
    version = models.PositiveBigIntegerField(default=0)
    deps = models.TextField(blank=True, default="", help_text="What the page shows, as page-cache dependencies.")

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


class ImportRun(models.Model):
    """One run of the importer: what it read and what became of each record."""

    started_at = models.DateTimeField("開始時間", auto_now_add=True)
    finished_at = models.DateTimeField("結束時間", null=True, blank=True)
    paths = models.TextField("檔案或網址", blank=True)
    dry_run = models.BooleanField("試跑", default=False)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未變更", default=0)
    failed = models.PositiveIntegerField("失敗", default=0)
    report = models.TextField("報告", blank=True, help_text="每筆失敗或保留編輯版本的紀錄，一行一筆。")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="執行者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "匯入紀錄"
        verbose_name_plural = "匯入紀錄"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} created {self.created}, failed {self.failed}"


class Revision(models.Model):
    """The content of an article as one save left it; newest first."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版本", default=0, help_text="儲存時文章的版本號。")
    created_at = models.DateTimeField("儲存時間", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="編輯者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("說明", max_length=200, blank=True, help_text="例如：還原自某個版本、重新轉換繁簡。")
    pending_upstream = models.BooleanField(
        "待審的上游更新", default=False,
        help_text="匯入時上游已更新、但文章已不是草稿：上游的內容存成這個版本，文章本身不變；"
                  "編輯比較後以「還原此版本」採用，或忽略。",
    )
    title = models.CharField("標題", max_length=300)
    summary = models.TextField("摘要", blank=True)
    body = models.TextField("內文")
    language = models.CharField("撰寫字體", max_length=10, choices=SCRIPTS, default="zh-hant")
    author = models.CharField("作者", max_length=200, blank=True)
    tags = models.JSONField("標籤", default=list, blank=True, help_text="儲存時的標籤名稱。")
    featured_image_pk = models.PositiveIntegerField("主圖編號", null=True, blank=True)
    source_pk = models.PositiveIntegerField("資訊來源編號", null=True, blank=True)
    original_source_pk = models.PositiveIntegerField("原文來源編號", null=True, blank=True)
    original_url = models.URLField("原文網址", max_length=500, blank=True)
    copyright_notice = models.TextField("版權聲明", blank=True)
    status = models.CharField("狀態", max_length=20, choices=Article.Status.choices)
    publish_at = models.DateTimeField("發布時間", null=True, blank=True)
    title_hant = models.CharField(max_length=300, blank=True)
    title_hans = models.CharField(max_length=300, blank=True)
    summary_hant = models.TextField(blank=True)
    summary_hans = models.TextField(blank=True)
    body_hant = models.TextField(blank=True)
    body_hans = models.TextField(blank=True)
    copyright_hant = models.TextField(blank=True)
    copyright_hans = models.TextField(blank=True)

    class Meta:
        verbose_name = "文章版本"
        verbose_name_plural = "文章版本"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="revision_article_newest")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version} {self.created_at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """One editorial decision: who did what to which object, from what to what."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "發布"
        UNPUBLISH = "unpublish", "下架"
        SCHEDULE = "schedule", "排程"
        ARCHIVE = "archive", "封存"
        RESTORE = "restore", "還原版本"
        SEND_BACK = "send_back", "退回修改"
        PERMISSION = "permission", "轉載授權變更"
        GLOSSARY_ADD = "glossary_add", "新增詞條"
        GLOSSARY_CHANGE = "glossary_change", "修改詞條"
        GLOSSARY_DELETE = "glossary_delete", "刪除詞條"
        PERMISSION_LAPSED = "lapsed_down", "授權到期下架"
        IMAGE_DETAILS = "image_details", "圖片資訊變更"

    created_at = models.DateTimeField("時間", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="執行者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             help_text="空白表示由系統（排程、匯入或管理指令）執行。")
    action = models.CharField("動作", max_length=20, choices=Action.choices)
    object_type = models.CharField("對象類型", max_length=50, help_text="例如 articles.article。")
    object_id = models.PositiveIntegerField("對象編號", null=True, blank=True)
    object_repr = models.CharField("對象", max_length=300, blank=True)
    from_value = models.CharField("變更前", max_length=300, blank=True)
    to_value = models.CharField("變更後", max_length=300, blank=True)
    note = models.TextField("備註", blank=True)

    class Meta:
        verbose_name = "操作紀錄"
        verbose_name_plural = "操作紀錄"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_newest")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"


class BackgroundJob(DBTaskResult):
    """django-tasks' own queue table (one row per job, see articles.jobs), under our name and labels in the admin."""

    class Meta:
        proxy = True
        verbose_name = "背景工作"
        verbose_name_plural = "背景工作"


class JobKey(models.Model):
    """A job's coalescing key: while ``waiting``, a new job with the same key is not added (see articles.jobs)."""

    result = models.OneToOneField(DBTaskResult, verbose_name="工作", primary_key=True, on_delete=models.CASCADE,
                                  related_name="job_key")
    key = models.CharField("合併鍵", max_length=200, db_index=True,
                           help_text="同一個鍵的工作在開始執行前只會排一次，例如 render:article:12。")
    waiting = models.BooleanField("等待執行", default=True,
                                  help_text="工作尚未開始執行；開始執行後，同一個鍵的新工作會另外排入。")

    class Meta:
        verbose_name = "工作合併鍵"
        verbose_name_plural = "工作合併鍵"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(waiting=True), name="jobkey_one_waiting_per_key"),
        ]

    def __str__(self) -> str:
        return self.key
