"""Faults: the media disk fills up. An upload that cannot be stored is a clear form error (never a 500), an import
record whose picture cannot be stored is reported and skipped, and no row ever names a missing or half-written file.

The disk really is full: each test mounts a small tmpfs as MEDIA_ROOT and fills it with a filler file until the
kernel answers ENOSPC. Mounting needs root (CAP_SYS_ADMIN), as CI has; elsewhere these tests are skipped.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image as PILImage

from articles import images, services
from articles.images import renditions
from articles.models import Article, Image, ImportRun, Rendition
from articles.services.images import STORAGE_FULL_MESSAGE
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

PAGE = 4096  # tmpfs hands out space a page at a time
DISK_SIZE = 1024 * 1024


class Disk:
    """A tmpfs mounted as MEDIA_ROOT, and a filler file that takes up its free space on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.filler = root / "filler.bin"

    def free_bytes(self) -> int:
        stat = os.statvfs(self.root)
        return stat.f_bavail * stat.f_frsize

    def fill(self, *, leave: int = 0) -> None:
        """Write the filler until the kernel says the disk is full, then give back ``leave`` bytes (whole pages)."""
        page = b"\xff" * PAGE
        with open(self.filler, "ab", buffering=0) as out:
            with pytest.raises(OSError) as full:
                while True:
                    out.write(page)
            assert full.value.errno == errno.ENOSPC
        pages = -(-leave // PAGE)
        os.truncate(self.filler, self.filler.stat().st_size - pages * PAGE)
        assert self.free_bytes() == pages * PAGE

    def release(self) -> None:
        self.filler.unlink()

    def files(self) -> set[str]:
        """Every file stored, as a storage name (the filler left out)."""
        return {path.relative_to(self.root).as_posix() for path in self.root.rglob("*")
                if path.is_file() and path != self.filler}


@pytest.fixture
def disk(settings, tmp_path):
    mountpoint = tmp_path / "media"
    mountpoint.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs",
                                  str(mountpoint)], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("no mount(8) here: a full disk is simulated with a real tmpfs")
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        settings.MEDIA_ROOT = mountpoint
        assert Image._meta.get_field("file").storage.location == str(mountpoint)
        yield Disk(mountpoint)
    finally:
        # Lazy: even a file left open by a failing test cannot keep the mount (and the memory) alive.
        subprocess.run(["umount", "--lazy", str(mountpoint)], check=True)


def picture(size=(1600, 900), colour=(200, 80, 40)) -> bytes:
    """A clean JPEG (JFIF only): stored byte for byte, so its stored size is known before the upload."""
    canvas = PILImage.new("RGB", size, colour)
    canvas.paste((30, 30, 220), (0, 0, size[0], size[1] // 2))
    out = io.BytesIO()
    canvas.save(out, "JPEG")
    return out.getvalue()


def stored_size(data: bytes) -> int:
    return len(images.validate_upload(ContentFile(data, name="x.jpg")).data)


def names_in_rows() -> set[str]:
    return ({image.file.name for image in Image.objects.all()}
            | {rendition.file.name for rendition in Rendition.objects.all()})


def assert_every_row_has_its_whole_file(disk: Disk) -> None:
    """Each row names a complete file, and each file on the disk belongs to a row (no orphans, no partials)."""
    assert disk.files() == names_in_rows()
    for row in [*Image.objects.all(), *Rendition.objects.all()]:
        with PILImage.open(disk.root / row.file.name) as opened:
            opened.load()  # a half-written file fails here
            assert opened.size == (row.width, row.height)


# --- the image admin ------------------------------------------------------------------------------------------------


def admin_post(client, data: bytes, *, popup: bool = False, **fields):
    payload = {"file": SimpleUploadedFile("街景.jpg", data, content_type="image/jpeg"), "alt_text": "記者會現場",
               "caption": "發言人站在講台前", "credit": "本報攝影", "source": "", "focal_x": "0.25",
               "focal_y": "0.4", "ai_generated": "on", **fields}
    url = reverse("admin:articles_image_add")
    if popup:  # the "+" beside the article form's featured image opens this
        url += "?_to_field=id&_popup=1"
        payload.update({"_to_field": "id", "_popup": "1"})
    return client.post(url, payload)


@pytest.mark.parametrize("popup", [False, True], ids=["image-admin", "article-form-popup"])
def test_an_upload_to_a_full_disk_is_a_form_error_that_keeps_what_the_editor_typed(editor_client, disk, popup):
    source = SourceFactory(name="中央社")
    disk.fill()
    response = admin_post(editor_client, picture(), popup=popup, source=source.pk)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"file": [STORAGE_FULL_MESSAGE]}
    page = response.content.decode()
    assert STORAGE_FULL_MESSAGE in page
    for typed in ("記者會現場", "發言人站在講台前", "本報攝影", 'value="0.25"', 'value="0.4"'):
        assert typed in page, typed
    assert f'<option value="{source.pk}" selected>' in page and 'id="id_ai_generated" checked' in page
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert disk.files() == set()  # not even a half-written temporary file

    disk.release()  # the administrator makes room: the same upload now goes through
    response = admin_post(editor_client, picture(), popup=popup, source=source.pk)
    if popup:  # the popup closes itself and puts the new image in the article form
        assert response.status_code == 200 and "popup_response_data" in response.context
    else:
        assert response.status_code == 302
    image = Image.objects.get()
    assert (image.alt_text, image.credit, image.source, image.focal_x) == ("記者會現場", "本報攝影", source, 0.25)
    assert image.renditions.count() == len(renditions.specs_for(image.width, image.height))
    assert_every_row_has_its_whole_file(disk)


def test_renditions_that_do_not_fit_are_left_to_make_renditions_and_none_is_half_written(editor_client, disk):
    data = picture()
    # Room for the original and two pages more: a rendition or two fits, the rest do not.
    disk.fill(leave=-(-stored_size(data) // PAGE) * PAGE + 2 * PAGE)
    response = admin_post(editor_client, data)
    assert response.status_code == 302
    image = Image.objects.get()
    expected = len(renditions.specs_for(image.width, image.height))
    assert 0 < image.renditions.count() < expected  # the original is whole; renditions are whole or absent
    assert_every_row_has_its_whole_file(disk)
    with (disk.root / image.file.name).open("rb") as stored:
        assert stored.read() == data
    warning = [str(m) for m in editor_client.get(reverse("admin:articles_image_changelist")).context["messages"]]
    assert any("尺寸版本未能產生" in text and "make_renditions" in text for text in warning), warning

    disk.release()
    call_command("make_renditions", stdout=io.StringIO())
    assert image.renditions.count() == expected
    assert_every_row_has_its_whole_file(disk)


# --- the service ----------------------------------------------------------------------------------------------------


def test_image_create_on_a_full_disk_raises_a_file_error_and_leaves_nothing(disk, caplog):
    disk.fill()
    with pytest.raises(ValidationError) as refused:
        services.image_create(file=ContentFile(picture(), name="x.jpg"), alt_text="x", credit="x")
    assert refused.value.message_dict == {"file": [STORAGE_FULL_MESSAGE]}
    assert refused.value.error_dict["file"][0].code == "storage_full"
    assert not Image.objects.exists() and disk.files() == set()
    assert "media storage full" in caplog.text


def test_a_remade_crop_that_does_not_fit_keeps_the_old_one_whole(disk, django_capture_on_commit_callbacks):
    image = services.image_create(file=ContentFile(picture((2000, 800)), name="x.jpg"), alt_text="寬", credit="本報")
    before = dict(image.renditions.values_list("spec", "file"))
    disk.fill()
    with django_capture_on_commit_callbacks(execute=True):
        services.image_update_focal_point(image=image, focal_x=0.9, focal_y=0.5)
    image.refresh_from_db()
    assert image.focal_x == 0.9  # the editor's choice is kept; the crop follows once there is room
    assert dict(image.renditions.values_list("spec", "file")) == before
    assert_every_row_has_its_whole_file(disk)


# --- imports --------------------------------------------------------------------------------------------------------


def test_an_import_record_whose_picture_does_not_fit_is_reported_and_skipped(disk, tmp_path):
    folder = tmp_path / "export"
    (folder / "images").mkdir(parents=True)
    first, second = picture(colour=(10, 120, 10)), picture(colour=(120, 10, 10))
    (folder / "images" / "first.jpg").write_bytes(first)
    (folder / "images" / "second.jpg").write_bytes(second)
    path = folder / "articles.json"
    path.write_text(json.dumps([
        {"guid": "fits", "title": "第一篇", "body": "<p>一</p>", "source": {"name": "磁碟測試"},
         "image": {"path": "images/first.jpg", "alt": "一", "credit": "本報"}},
        {"guid": "full", "title": "第二篇", "body": "<p>二</p>", "source": {"name": "磁碟測試"},
         "image": {"path": "images/second.jpg", "alt": "二", "credit": "本報"}},
        {"guid": "text", "title": "第三篇", "body": "<p>三</p>", "source": {"name": "磁碟測試"}},
    ], ensure_ascii=False, indent=1), encoding="utf-8")
    # The disk runs out during the run: room for the first picture's original and nothing more.
    disk.fill(leave=stored_size(first))

    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_articles", str(path), stdout=out, stderr=io.StringIO())
    assert failed.value.returncode == 1
    output = out.getvalue().strip().splitlines()
    (line,) = [text for text in output if STORAGE_FULL_MESSAGE in text]
    assert line.startswith(f"{path}: record 2 (line ") and line.endswith(f"): file: {STORAGE_FULL_MESSAGE}")
    assert output[-1] == "created 2, updated 0, unchanged 0, failed 1"
    assert line in ImportRun.objects.get().report

    assert set(Article.objects.values_list("guid", flat=True)) == {"fits", "text"}
    fits = Article.objects.get(guid="fits")
    assert fits.featured_image is not None
    assert (disk.root / fits.featured_image.file.name).read_bytes() == first
    assert Image.objects.count() == 1  # the second picture left no row
    for article in Article.objects.exclude(featured_image=None):
        assert article.featured_image.file.storage.exists(article.featured_image.file.name)
    assert_every_row_has_its_whole_file(disk)

    # With room again, the same file imports the skipped record (and the others stay as they are).
    disk.release()
    out = io.StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=io.StringIO())
    assert out.getvalue().strip().splitlines()[-1] == "created 1, updated 0, unchanged 2, failed 0"
    assert (disk.root / Article.objects.get(guid="full").featured_image.file.name).read_bytes() == second
