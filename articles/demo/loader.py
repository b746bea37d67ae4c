"""Writing the demo through ``articles.services``: sources, drawn images, articles, and the local accounts.

``load_demo()`` is idempotent: sources are matched by name, articles by (source, guid), and
images are drawn deterministically so ``services.image_create`` finds the identical file by
its content hash on a second run. Called by ``manage.py load_demo``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Image, Source

from .data import read_content
from .drawing import draw_image

# Read (and checked) once, when the demo is first imported: a broken data file stops here, naming the file.
_CONTENT = read_content()
SOURCES: list[dict] = _CONTENT.sources
IMAGES: list[dict] = _CONTENT.images
# Each article's fields from its .json, plus "body": its HTML blocks from the .html next to it.
ARTICLES: list[dict] = _CONTENT.articles


@dataclasses.dataclass
class DemoResult:
    sources_created: int = 0
    sources_skipped: int = 0
    images_created: int = 0
    images_reused: int = 0
    articles_created: int = 0
    articles_skipped: int = 0
    statuses: Counter = dataclasses.field(default_factory=Counter)

    def summary(self) -> str:
        text = (
            f"建立 {self.articles_created} 篇文章，略過 {self.articles_skipped} 篇已存在；"
            f"來源建立 {self.sources_created} 個，略過 {self.sources_skipped} 個；"
            f"圖片新增 {self.images_created} 張，沿用 {self.images_reused} 張。"
        )
        if self.statuses:
            counts = "、".join(
                f"{status.label} {self.statuses[status]}" for status in Article.Status if self.statuses[status]
            )
            text += f"（新文章：{counts}）"
        return text


def _source(spec: dict, result: DemoResult, log: Callable[[str], None]) -> Source:
    source = Source.objects.filter(name=spec["name"]).first()
    if source is not None:
        result.sources_skipped += 1
        log(f"  來源「{source.name}」已存在，略過")
        return source
    expires = None
    if spec.get("expires_in_days"):
        expires = timezone.localdate() + datetime.timedelta(days=spec["expires_in_days"])
    source = Source(
        name=spec["name"],
        kind=spec["kind"],
        homepage=spec["homepage"],
        copyright_notice=spec["copyright_notice"],
        reprint_permission=spec["permission"],
        permission_note=spec.get("permission_note", ""),
        permission_expires=expires,
    )
    source.full_clean()
    source.save()
    result.sources_created += 1
    log(f"  建立來源「{source.name}」（{source.get_reprint_permission_display()}）")
    return source


def _image(spec: dict, sources: dict[str, Source], result: DemoResult, log: Callable[[str], None]) -> Image:
    known = set(Image.objects.values_list("pk", flat=True))
    image = services.image_create(
        file=ContentFile(draw_image(spec), name=f"demo-{spec['key']}.jpg"),
        alt_text=spec["alt_text"],
        credit=spec["credit"],
        caption=spec["caption"],
        ai_generated=spec["ai_generated"],
        source=sources[spec["source"]] if spec["source"] else None,
    )
    if image.pk in known:
        result.images_reused += 1
    else:
        result.images_created += 1
        log(f"  新增圖片 {spec['key']}：{image.file.name}")
    return image


def _article(
    spec: dict,
    sources: dict[str, Source],
    images: dict[str, Image],
    now: datetime.datetime,
    result: DemoResult,
    log: Callable[[str], None],
) -> None:
    source = sources[spec["source"]]
    if Article.objects.filter(source=source, guid=spec["guid"]).exists():
        result.articles_skipped += 1
        return
    status = spec["status"]
    article = Article(
        title=spec["title"],
        summary=spec["summary"],
        body="\n".join(spec["body"]),
        language=spec["language"],
        author=spec["author"],
        source=source,
        guid=spec["guid"],
        original_source=sources[spec["original_source"]] if spec.get("original_source") else None,
        original_url=spec.get("original_url", ""),
        featured_image=images[spec["image"]] if spec.get("image") else None,
    )
    if status == "published":
        # A past publish_at is kept by article_publish; published_at follows it so the
        # "actually published" time is not the moment the demo was loaded.
        article.publish_at = article.published_at = now - datetime.timedelta(days=spec["days_ago"])
    services.article_save(article=article)
    article.tags.set(spec["tags"])
    if status == "published":
        services.article_publish(article=article, user=None)
    elif status == "scheduled":
        services.article_schedule(article=article, publish_at=now + datetime.timedelta(days=spec["days_ahead"]))
    elif status == "review":
        services.article_submit_for_review(article=article)
    result.articles_created += 1
    result.statuses[article.status] += 1
    log(f"  {spec['guid']} [{article.get_status_display()}] {article.title}")


@transaction.atomic
def load_demo(*, stdout=None) -> DemoResult:
    """Create the demo sources, images and articles that do not exist yet; return the counts.

    ``stdout`` (a file-like object, e.g. a command's ``self.stdout``) receives progress lines.
    """

    def log(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    result = DemoResult()
    now = timezone.now()
    log("來源：")
    sources = {spec["key"]: _source(spec, result, log) for spec in SOURCES}
    log("圖片：")
    images = {spec["key"]: _image(spec, sources, result, log) for spec in IMAGES}
    if not result.images_created:
        log(f"  {result.images_reused} 張圖片皆已存在，沿用")
    log("文章：")
    for spec in ARTICLES:
        _article(spec, sources, images, now, result, log)
    if result.articles_skipped:
        log(f"  {result.articles_skipped} 篇文章已存在，略過")
    return result


DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - local demo accounts: DEBUG, or asked for by make run (loopback)
# (username, group): an editor who may publish and a writer who drafts and submits for review. Neither is a
# superuser: they see the desk as an editor and a writer do.
DEMO_ACCOUNTS = (("editor", "editors"), ("writer", "writers"))
# The operators' account (people, groups, every setting): a superuser, created only in DEBUG or when asked.
DEMO_ADMIN = "admin"


def ensure_demo_accounts(*, demo: bool = True, admin_password: str | None = None) -> list[str]:
    """Create the demo editor and writer (unless ``demo`` is false) and, given ``admin_password``, the operators'
    superuser ``admin``, those that do not exist yet; return the names created. A demo editor that an older
    version made a superuser (still on the demo password) becomes an editor like the others."""
    from django.contrib.auth.models import Group, User

    created = []
    for username, group_name in DEMO_ACCOUNTS if demo else ():
        group = Group.objects.get(name=group_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=True)
            user.groups.add(group)
            created.append(username)
        elif user.is_superuser and user.check_password(DEMO_PASSWORD):
            user.is_superuser = False
            user.save(update_fields=["is_superuser"])
            user.groups.add(group)
    if admin_password is not None and not User.objects.filter(username=DEMO_ADMIN).exists():
        User.objects.create_superuser(username=DEMO_ADMIN, password=admin_password, email="")
        created.append(DEMO_ADMIN)
    return created
