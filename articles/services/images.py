"""Images: validated before anything is written, stored once per distinct upload, renditions made at write time.

Rendition rows are created get-or-create style under the unique (image, spec) constraint: the losing side of a
race deletes the file it wrote and returns the winner's row. The pixel work runs outside any transaction this module
opens, so a slow encode never holds the database's write lock.

Every file is written by ``_store``: it appears under its name only once complete, and a full disk (or quota) is a
``ValidationError`` saying so, with nothing left behind. A row is saved only after its file: no Image or Rendition
row ever names a missing or half-written file. An original that cannot be stored refuses the upload; a rendition
that cannot be stored is only logged (the page shows the original until ``make_renditions`` makes it).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.utils import validate_file_name
from django.db import IntegrityError, transaction

from articles import events, images
from articles.images import renditions
from articles.models import Article, AuditEntry, Image, Rendition, image_upload_to, rendition_upload_to
from articles.services.audit import audit_record
from articles.services.common import PUBLISH_PERMISSION, User

logger = logging.getLogger(__name__)

# A full disk, a full quota, a file over the file system's size limit: nothing an editor can fix by trying again.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
# What pages show of a picture besides its files (renditions and focal-point crops refresh pages on their own).
IMAGE_SHOWN = ("alt_text", "caption", "credit", "ai_generated", "source_id", "caption_hans", "credit_hans")
STORAGE_FULL_MESSAGE = "媒體儲存空間已滿，圖片未儲存，請通知管理員。"


def image_create(
    *,
    file: File | None = None,
    prepared: images.Prepared | None = None,
    alt_text: str,
    credit: str = "",
    caption: str = "",
    ai_generated: bool = False,
    source=None,
    focal_x: float = 0.5,
    focal_y: float = 0.5,
    user: User = None,
) -> Image:
    """Validate and store a picture once per distinct upload (a duplicate returns the existing row) and make its
    renditions. ``prepared`` is what ``images.validate_upload`` returned when a form already validated ``file``."""
    if prepared is None:
        if file is None:
            raise ValidationError({"file": "請選擇圖片檔。"})
        try:
            prepared = images.validate_upload(file)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    existing = Image.objects.filter(content_hash=prepared.content_hash).first()
    if existing is not None:
        return existing
    image = Image(
        alt_text=alt_text,
        credit=credit,
        caption=caption,
        ai_generated=ai_generated,
        source=source,
        focal_x=focal_x,
        focal_y=focal_y,
        format=prepared.format,
        content_hash=prepared.content_hash,
        width=prepared.width,
        height=prepared.height,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _check_focal_point(focal_x, focal_y)
    # content_hash is left to the unique constraint: a concurrent twin is handled below, not reported as an error.
    image.full_clean(exclude=["file", "content_hash"])
    storage = Image._meta.get_field("file").storage
    # The stored name comes from the content hash and the sniffed format, never from the upload.
    try:
        name = _store(storage, image_upload_to(image, ""), prepared.data)
    except ValidationError as exc:
        raise ValidationError({"file": exc}) from exc
    image.file.name = name
    try:
        with transaction.atomic():
            image.save()
    except IntegrityError:
        storage.delete(name)
        # The same file, uploaded at the same moment by someone else: theirs is the one row.
        winner = Image.objects.filter(content_hash=prepared.content_hash).first()
        if winner is None:
            raise
        return winner
    except BaseException:
        storage.delete(name)
        raise
    renditions_ensure(image=image, source=renditions.source_from_prepared(prepared, focal_x=focal_x, focal_y=focal_y))
    return image


# What a reader is told about a picture: changed on one a listed article shows, only by an editor, audited.
GUARDED_DETAILS = ("credit", "caption", "alt_text", "ai_generated", "source_id")


def image_details_changes(*, image: Image) -> dict[str, tuple[object, object]]:
    """The guarded details ``image`` changes from the stored row: {field: (from, to)}."""
    stored = Image.objects.filter(pk=image.pk).values(*GUARDED_DETAILS).first() if image.pk else None
    if stored is None:
        return {}
    return {name: (stored[name], getattr(image, name)) for name in GUARDED_DETAILS
            if stored[name] != getattr(image, name)}


def image_details_problem(*, image: Image, user: User = None) -> str | None:
    """Why ``user`` may not save ``image``'s changed details, or None: only editors (the publish permission)
    change what readers are told about a picture a published or scheduled article shows."""

    if user is None or user.has_perm(PUBLISH_PERMISSION) or not image_details_changes(image=image):
        return None
    if not Article.objects.listed().filter(featured_image_id=image.pk).exists():
        return None
    return "這張圖片是已發布或已排程文章的主圖，只有編輯可以修改它的圖片來源、圖說、替代文字、AI 標示或出處。"


@transaction.atomic
def image_update_details(*, image: Image, user: User = None) -> Image:
    """Save an edited alt text, caption, credit or provenance; the pages showing the picture follow.

    Refused (``PermissionDenied``) for a user without the editors' publish permission when a listed article
    shows the picture; every change of its details is written to the audit trail, from and to.
    """

    problem = image_details_problem(image=image, user=user)
    if problem:
        raise PermissionDenied(problem)
    changes = image_details_changes(image=image)
    shown = Image.objects.filter(pk=image.pk).values(*IMAGE_SHOWN).first()
    image.full_clean(exclude=["file", "content_hash"])
    image.save()
    if changes:
        labels = {name: str(Image._meta.get_field(name.removesuffix("_id")).verbose_name) for name in changes}
        audit_record(action=AuditEntry.Action.IMAGE_DETAILS, obj=image, user=user,
                     from_value="；".join(f"{labels[n]}：{old}" for n, (old, _) in changes.items()),
                     to_value="；".join(f"{labels[n]}：{new}" for n, (_, new) in changes.items()))
    if shown != {name: getattr(image, name) for name in IMAGE_SHOWN}:
        events.record(images=[image.pk])
    return image


def image_update_focal_point(*, image: Image, focal_x: float, focal_y: float) -> Image:
    """Move the focal point and remake the crops that depend on it."""
    _check_focal_point(focal_x, focal_y)
    image.focal_x, image.focal_y = focal_x, focal_y
    image.save(update_fields=["focal_x", "focal_y"])
    crops = [spec for spec in renditions.specs_for(image.width, image.height) if spec.is_crop]
    renditions_ensure(image=image, force=True, specs=crops)
    return image


def _check_focal_point(focal_x: float, focal_y: float) -> None:
    problems = {name: "焦點必須介於 0 與 1 之間。" for name, value in (("focal_x", focal_x), ("focal_y", focal_y))
                if not 0 <= value <= 1}
    if problems:
        raise ValidationError(problems)


def renditions_ensure(
    *,
    image: Image,
    force: bool = False,
    specs: Iterable[renditions.Spec] | None = None,
    source: renditions.Source | None = None,
) -> list[Rendition]:
    """Make the renditions ``image`` is missing (``force``: remake them all) and return all of them.

    Idempotent and cheap when nothing is missing (one query, none if ``image.renditions`` is prefetched). Problems
    are logged, never raised: a page never waits on a derivative, and ``make_renditions`` fills the gaps later.
    """
    wanted = list(specs) if specs is not None else renditions.specs_for(image.width, image.height)
    current = {rendition.spec: rendition for rendition in image.renditions.all()}
    todo = wanted if force else [spec for spec in wanted if spec.name not in current]
    if force and specs is None:
        stale = [rendition for name, rendition in current.items() if name not in {spec.name for spec in wanted}]
        for rendition in stale:
            _rendition_delete(rendition)
            del current[rendition.spec]
    if todo:
        try:
            if source is None:
                with image.file.open("rb") as stored:
                    source = renditions.source_open(stored, focal_x=image.focal_x, focal_y=image.focal_y,
                                                    specs=todo)
            source = renditions.reduced(source, todo)
        except Exception:
            logger.exception("renditions: cannot read image %s (%s)", image.pk, image.file.name)
            todo = []
        for spec in todo:
            try:
                if force and spec.name in current:
                    current[spec.name] = _rendition_remake(current[spec.name], spec, source)
                else:
                    current[spec.name], _created = rendition_get_or_create(image=image, spec=spec, source=source)
            except ValidationError as exc:  # only _store raises it here: the disk is full, the rest would fail too
                logger.error("renditions: %s and later ones not made for image %s: %s", spec.name, image.pk,
                             " ".join(exc.messages))
                break
            except Exception:
                logger.exception("renditions: cannot make %s for image %s", spec.name, image.pk)
    if hasattr(image, "_prefetched_objects_cache"):
        image._prefetched_objects_cache.pop("renditions", None)
    if todo:  # new pictures for the srcsets of the pages that show this one
        events.record(images=[image.pk])
    return sorted(current.values(), key=lambda rendition: (rendition.format, rendition.width, rendition.spec))


def rendition_get_or_create(
    *, image: Image, spec: renditions.Spec, source: renditions.Source | None = None
) -> tuple[Rendition, bool]:
    """The one row and file for (image, spec); two workers racing for it end up with one row and one file."""
    existing = Rendition.objects.filter(image=image, spec=spec.name).first()
    if existing is not None:
        return existing, False
    if source is None:
        with image.file.open("rb") as stored:
            source = renditions.source_open(stored, focal_x=image.focal_x, focal_y=image.focal_y, specs=[spec])
    rendered = renditions.render(source, spec)
    rendition = Rendition(image=image, spec=spec.name, format=rendered.format, width=rendered.width,
                          height=rendered.height)
    storage = Rendition._meta.get_field("file").storage
    name = _store(storage, rendition_upload_to(rendition, ""), rendered.data)
    rendition.file.name = name
    try:
        with transaction.atomic():
            rendition.save()
    except IntegrityError:
        storage.delete(name)  # the other worker won: keep its file, not a second copy
        winner = Rendition.objects.filter(image=image, spec=spec.name).first()
        if winner is None:
            raise
        return winner, False
    except BaseException:
        storage.delete(name)
        raise
    return rendition, True


def _rendition_remake(rendition: Rendition, spec: renditions.Spec, source: renditions.Source) -> Rendition:
    """Replace a rendition's file; the new file gets a new name, so caches holding the old URL never serve a stale
    picture under the new one. The old file goes once the new row is committed."""
    rendered = renditions.render(source, spec)
    storage = Rendition._meta.get_field("file").storage
    old_name = rendition.file.name
    name = _store(storage, rendition_upload_to(rendition, ""), rendered.data)
    try:
        with transaction.atomic():
            Rendition.objects.filter(pk=rendition.pk).update(
                file=name, width=rendered.width, height=rendered.height, format=rendered.format
            )
            transaction.on_commit(lambda: storage.delete(old_name))
    except BaseException:
        storage.delete(name)
        raise
    rendition.file.name, rendition.width, rendition.height = name, rendered.width, rendered.height
    rendition.format = rendered.format
    return rendition


def _rendition_delete(rendition: Rendition) -> None:
    storage = Rendition._meta.get_field("file").storage
    name = rendition.file.name
    with transaction.atomic():
        rendition.delete()
        transaction.on_commit(lambda: storage.delete(name))


def _store(storage: Storage, name: str, data: bytes) -> str:
    """Write ``data`` under ``name`` (or a free variant of it) and return the stored name; a full disk raises
    ``ValidationError`` and leaves no file behind."""
    try:
        if isinstance(storage, FileSystemStorage):
            return _store_local(storage, name, data)
        return storage.save(name, ContentFile(data))  # object stores write a whole object or none
    except OSError as exc:
        if exc.errno not in STORAGE_FULL_ERRNOS:
            raise
        logger.error("media storage full: %s not stored (%s)", name, exc)
        raise ValidationError(STORAGE_FULL_MESSAGE, code="storage_full") from exc


def _store_local(storage: FileSystemStorage, name: str, data: bytes) -> str:
    # Written beside its destination, then hard-linked under a free name (same directory, same file system): the
    # link appears complete or not at all, needs no data space, and fails if the name was taken meanwhile, so two
    # workers storing the same name at once get two names (a rename would let the second replace the first).
    # A write that fails halfway leaves only the temporary file, which is ours to delete.
    directory = Path(storage.path(name)).parent
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        while True:
            candidate = storage.get_available_name(name)
            validate_file_name(candidate, allow_relative_path=True)
            try:
                os.link(temporary, storage.path(candidate))
            except FileExistsError:
                continue
            if storage.file_permissions_mode is not None:
                os.chmod(storage.path(candidate), storage.file_permissions_mode)
            return candidate.replace("\\", "/")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
