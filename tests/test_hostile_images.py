"""Hostile pictures at every entry point (the image admin, a source's logo, imports): one decoder limit counts every
frame's canvas and the frame count before anything is decoded, and a refusal is a clear error, never a 500.

The hostile files are built here, byte by byte: a GIF whose 1 × 1 first frame hides six 4000 × 4000 frames, GIFs of
100,000 one-pixel frames, and a GIF whose two identical frames of maximum delay overflow Pillow's merged duration.
"""

import functools
import io
import json
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from articles import images, services
from articles.images.headers import MAX_GIF_BLOCKS, MAX_GIF_COMMENT_BLOCKS, gif_frames
from articles.models import Article, Image, Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# --- building hostile files ------------------------------------------------------------------------------------------

ONE_PIXEL_LZW = b"\x02\x02\x44\x01\x00"  # minimum code size 2; one sub-block: clear, pixel 0, end; terminator
OTHER_PIXEL_LZW = b"\x02\x02\x4c\x01\x00"  # the same with pixel 1


def gif(frames: list[bytes], *, screen=(1, 1), loop: bool = True) -> bytes:
    """A GIF89a with a two-colour global palette and the given frame blocks."""
    head = [b"GIF89a", struct.pack("<HHBBB", *screen, 0x80, 0, 0), b"\x00\x00\x00\xff\xff\xff"]
    if loop:
        head.append(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")
    return b"".join(head + frames + [b";"])


def frame(width: int, height: int, lzw: bytes, *, left=0, top=0, delay: int | None = None) -> bytes:
    control = b"" if delay is None else b"\x21\xf9\x04\x00" + struct.pack("<H", delay) + b"\x00\x00"
    return control + b"," + struct.pack("<HHHHB", left, top, width, height, 0) + lzw


@functools.cache
def blank_lzw(width: int, height: int) -> bytes:
    """Pillow's own LZW data for an all-zero frame: what a real encoder writes (about 13 KB for 4000 × 4000)."""
    picture = PILImage.new("P", (width, height), 0)
    out = io.BytesIO()
    picture.save(out, "GIF")
    data = out.getvalue()
    descriptor = 13 + (3 << ((data[10] & 7) + 1))
    assert data[descriptor] == 0x2C and not data[descriptor + 9] & 0x80
    return data[descriptor + 10:-1]


def tall_frames_gif() -> bytes:
    """78 KB: a 1 × 1 first frame (all Pillow's open looks at), then six 4000 × 4000 frames."""
    big = frame(4000, 4000, blank_lzw(4000, 4000))
    return gif([frame(1, 1, ONE_PIXEL_LZW)] + [big] * 6)


def many_frames_gif(count: int = 100_000, *, delays: bool = True) -> bytes:
    """``count`` one-pixel frames: 2.3 MB with a delay per frame; 1.8 MB without, each frame's data padded to the
    five bytes an encoder writes for a few pixels."""
    # Black and white in turn: no two neighbours alike, so an encoder cannot merge them away.
    if delays:
        pair = [frame(1, 1, ONE_PIXEL_LZW, delay=4), frame(1, 1, OTHER_PIXEL_LZW, delay=4)]
    else:
        padding = b"\x00\x00\x00"  # a decoder stops at the end code
        pair = [frame(1, 1, b"\x02\x05" + lzw[2:4] + padding + b"\x00") for lzw in (ONE_PIXEL_LZW, OTHER_PIXEL_LZW)]
    return gif(pair * (count // 2))


def max_delay_gif() -> bytes:
    """85 bytes: two identical frames, each shown 655.35 s; merged on re-encoding, their delay overflows 16 bits."""
    return gif([frame(1, 1, ONE_PIXEL_LZW, delay=0xFFFF)] * 2)


def decompression_bomb() -> bytes:
    """A valid 15,000 × 15,000 greyscale PNG of 220 KB that decodes to 225 MB (built here, not borrowed from the
    bench)."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    side = 15_000
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(b"\x00" * (side + 1)) for _ in range(side)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def small_jpeg() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (64, 40), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


# name -> (bytes, the upload's name, a phrase of the error the editor sees)
HOSTILE = {
    "tall-frames": (tall_frames_gif, "tall.gif", "圖片太大"),
    "100k-frames": (many_frames_gif, "many.gif", "動畫的格數太多"),
    "100k-frames-1.8MB": (functools.partial(many_frames_gif, delays=False), "many.gif", "動畫的格數太多"),
    "max-delay": (max_delay_gif, "delay.gif", "無法重新編碼"),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg", "不接受 SVG"),
    "bomb": (decompression_bomb, "bomb.png", "像素"),
    "truncated": (lambda: small_jpeg()[:300], "cut.jpg", "不完整或已損毀"),
}


@functools.cache
def hostile(name: str) -> bytes:
    return HOSTILE[name][0]()


def refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        images.validate_upload(ContentFile(data, name=name))
    return caught.value


# --- the files are what the issue describes --------------------------------------------------------------------------


def test_the_hostile_gifs_are_the_sizes_the_issue_describes():
    assert 70_000 < len(hostile("tall-frames")) < 90_000
    assert 2_200_000 < len(hostile("100k-frames")) < 2_400_000
    assert 1_750_000 < len(hostile("100k-frames-1.8MB")) < 1_850_000
    assert len(hostile("max-delay")) == 85


def test_pillow_reads_them_as_the_issue_says():
    # What made them dangerous: Pillow's open sees only a 1 × 1 picture, and the delays are the maximum.
    with PILImage.open(io.BytesIO(hostile("tall-frames"))) as opened:
        assert opened.size == (1, 1)
    with PILImage.open(io.BytesIO(hostile("max-delay"))) as opened:
        assert opened.info["duration"] == 655_350 and opened.n_frames == 2


# --- the frame table -------------------------------------------------------------------------------------------------


def test_the_gif_walk_counts_every_frame_and_the_canvas_they_grow():
    table = gif_frames(hostile("tall-frames"), max_frames=1000)
    assert (table.width, table.height, table.count) == (4000, 4000, 7)
    offset = gif([frame(1, 1, ONE_PIXEL_LZW), frame(1, 1, ONE_PIXEL_LZW, left=60_000, top=500)])
    assert gif_frames(offset, max_frames=10).pixels == 60_001 * 501 * 2


def test_the_gif_walk_stops_one_frame_past_the_limit():
    assert gif_frames(hostile("100k-frames"), max_frames=1000).count == 1001


def test_the_gif_walk_skips_stray_bytes_as_pillow_does():
    # Pillow skips any byte it does not know between blocks and reads on: the walk must not stop there.
    sneaky = gif([frame(1, 1, ONE_PIXEL_LZW), b"\x00\x07junk", frame(1, 1, ONE_PIXEL_LZW)])
    assert gif_frames(sneaky, max_frames=10).count == 2
    with PILImage.open(io.BytesIO(sneaky)) as opened:
        assert opened.n_frames == 2


# A frame (its offset, size, pixel and whether a delay precedes it), a comment of sub-blocks, or stray bytes.
gif_blocks = st.lists(st.one_of(
    st.tuples(st.just("frame"), st.integers(0, 40), st.integers(0, 40), st.integers(1, 3), st.integers(1, 3),
              st.booleans()),
    st.tuples(st.just("comment"), st.lists(st.binary(min_size=1, max_size=20), max_size=4)),
    st.tuples(st.just("junk"), st.binary(min_size=1, max_size=6)),
), max_size=12)


def gif_from(blocks) -> bytes:
    parts = []
    for block in blocks:
        if block[0] == "frame":
            _, left, top, width, height, delay = block
            parts.append(frame(width, height, blank_lzw(width, height), left=left, top=top,
                               delay=4 if delay else None))
        elif block[0] == "comment":
            parts.append(b"\x21\xfe" + b"".join(bytes([len(b)]) + b for b in block[1]) + b"\x00")
        else:
            parts.append(block[1])
    return gif(parts, screen=(5, 5))


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gif_blocks)
def test_the_gif_walk_agrees_with_pillow_on_every_frame_and_the_canvas(blocks):
    data = gif_from(blocks)
    table = gif_frames(data, max_frames=1000)
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            count = opened.n_frames
            for index in range(count):
                opened.seek(index)
            size = opened.size
    except Exception:  # noqa: BLE001 - a file Pillow cannot read is refused anyway; the walk may count it differently
        return
    assert table.count >= count  # never fewer: the limit must see every frame Pillow would decode
    assert table.width >= size[0] and table.height >= size[1]  # nor a smaller canvas
    if table.count == count:
        assert (table.width, table.height) == size


def test_text_that_only_starts_like_a_gif_is_unrecognised_not_judged_by_its_screen():
    error = refusal(b"GIF89a but not really an image at all", "x.gif")
    assert error.code == "unsupported_format"


def test_a_gif_of_countless_tiny_sub_blocks_is_refused_unread():
    application = b"\x21\xff\x0bXMP DataXMP" + b"\x01x" * (MAX_GIF_BLOCKS + 10) + b"\x00"
    data = gif([application, frame(1, 1, ONE_PIXEL_LZW)])
    assert refusal(data, "x.gif").code == "corrupt"


def test_a_gif_comment_pillow_would_take_minutes_to_join_is_refused_before_pillow_opens_it(tmp_path):
    # Pillow concatenates a frame's comment sub-blocks one by one: quadratic (5 MB cost it 1.4 s of CPU, 20 MB 80 s).
    comment = b"\x21\xfe" + (b"\xff" + b"c" * 255) * 20_000 + b"\x00"  # 5 MB of comment
    data = gif([comment, frame(1, 1, ONE_PIXEL_LZW)])
    cost = measured_refusal(data, "comment.gif", tmp_path)
    assert cost["code"] == "corrupt" and cost["cpu"] < 1, cost
    # A comment of ordinary size is fine (and stripped).
    small = gif([b"\x21\xfe" + (b"\x05hello") * (MAX_GIF_COMMENT_BLOCKS - 1) + b"\x00", frame(1, 1, ONE_PIXEL_LZW)])
    assert images.validate_upload(ContentFile(small, name="ok.gif")).format == "GIF"


# --- the gate: each case refused with a clear error ------------------------------------------------------------------


@pytest.mark.parametrize(("case", "code"), [
    ("tall-frames", "too_many_pixels"),
    ("100k-frames", "too_many_frames"),
    ("100k-frames-1.8MB", "too_many_frames"),
    ("max-delay", "unencodable"),
])
def test_each_hostile_gif_is_refused_with_a_clear_error(case, code):
    error = refusal(hostile(case), HOSTILE[case][1])
    assert error.code == code
    assert HOSTILE[case][2] in error.messages[0]


def animation(image_format: str, frames: int = 3) -> bytes:
    pictures = [PILImage.new("RGB", (8, 8), (index * 60, 0, 0)) for index in range(frames)]
    out = io.BytesIO()
    pictures[0].save(out, image_format, save_all=True, append_images=pictures[1:], duration=100, loop=0)
    return out.getvalue()


@pytest.mark.parametrize(("image_format", "name"), [("GIF", "a.gif"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_the_frame_limit_is_a_setting_and_holds_for_every_animated_format(settings, image_format, name):
    data = animation(image_format)
    assert images.validate_upload(ContentFile(data, name=name)).animated
    settings.IMAGE_MAX_FRAMES = 2
    assert refusal(data, name).code == "too_many_frames"


@pytest.mark.parametrize(("image_format", "name"), [("GIF", "a.gif"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_every_frame_counts_toward_the_pixel_limit_in_every_animated_format(settings, image_format, name):
    settings.IMAGE_MAX_PIXELS = 8 * 8 * 3 - 1  # one pixel short of three 8 × 8 frames
    assert refusal(animation(image_format), name).code == "too_many_pixels"


def test_an_animation_within_the_limits_still_stays_animated():
    animation = gif([frame(1, 1, ONE_PIXEL_LZW, delay=4), frame(1, 1, OTHER_PIXEL_LZW, delay=4)])
    prepared = images.validate_upload(ContentFile(animation, name="ok.gif"))
    assert prepared.format == "GIF" and len(prepared.frames) == 2


def test_an_mpo_from_a_camera_is_kept_as_its_first_picture():
    # A JPEG carrying a second picture (stereo, depth) used to reach a lookup Pillow's "MPO" is not in: a 500.
    out = io.BytesIO()
    PILImage.new("RGB", (20, 20), "red").save(out, "MPO", save_all=True,
                                             append_images=[PILImage.new("RGB", (20, 20), "blue")])
    prepared = images.validate_upload(ContentFile(out.getvalue(), name="camera.jpg"))
    assert prepared.format == "JPEG" and not prepared.animated
    with PILImage.open(io.BytesIO(prepared.data)) as stored:
        assert stored.format == "JPEG" and stored.getpixel((10, 10))[0] > 200


def test_a_gif_cut_anywhere_is_refused_or_read_never_a_crash():
    # Cut in a descriptor, the data or before the trailer, Pillow fails in many ways (struct.error among them) or
    # reads what is there; either way the gate answers.
    data = gif([frame(1, 1, ONE_PIXEL_LZW, delay=4), frame(2, 2, blank_lzw(2, 2), delay=4)])
    for cut in range(1, len(data)):
        try:
            images.validate_upload(ContentFile(data[:cut], name="cut.gif"))
        except ValidationError as exc:
            assert exc.code in ("corrupt", "unsupported_format", "empty"), (cut, exc.code)


# --- the cost of a refusal: a fresh worker, its peak memory and CPU --------------------------------------------------

MEASURE = textwrap.dedent("""
    import json, os, resource, sys
    import django
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile
    from articles import images
    data = open(sys.argv[1], "rb").read()
    # A worker that has served an upload already: decoders and plugins loaded (its baseline).
    images.validate_upload(ContentFile(bytes.fromhex(sys.argv[2]), name="warm.gif"))
    before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        images.validate_upload(ContentFile(data, name=sys.argv[3]))
        code = "accepted"
    except ValidationError as exc:
        code = exc.code
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"code": code, "peak_mb": (after.ru_maxrss - before.ru_maxrss) / 1024,
                      "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}))
""")


def measured_refusal(data: bytes, name: str, tmp_path) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    warm = gif([frame(1, 1, ONE_PIXEL_LZW, delay=4)] * 2).hex()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path), warm, name], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("case", ["tall-frames", "100k-frames", "100k-frames-1.8MB", "max-delay", "bomb"])
def test_a_refusal_costs_under_100_mb_and_a_second_of_cpu(case, tmp_path):
    cost = measured_refusal(hostile(case), HOSTILE[case][1], tmp_path)
    assert cost["code"] != "accepted"
    assert cost["peak_mb"] < 100, cost
    assert cost["cpu"] < 1, cost


# --- the image admin -------------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_image_admin_answers_each_with_a_form_error(editor_client, media, case):
    _, name, message = HOSTILE[case]
    response = editor_client.post(reverse("admin:articles_image_add"), {
        "file": SimpleUploadedFile(name, hostile(case), content_type="image/gif"), "alt_text": "替代文字",
        "caption": "", "credit": "路透社", "source": "", "focal_x": "0.5", "focal_y": "0.5"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert any(message in error for error in errors), errors
    assert not Image.objects.exists() and stored_files(media) == []


# --- a source's logo -------------------------------------------------------------------------------------------------


def logo_post(client, data: bytes, name: str, source: Source | None = None):
    url = (reverse("admin:articles_source_change", args=[source.pk]) if source
           else reverse("admin:articles_source_add"))
    return client.post(url, {
        "name": source.name if source else "標誌測試", "slug": source.slug if source else "", "kind": "publisher",
        "homepage": "", "feed_url": "", "reprint_permission": "none", "permission_note": "",
        "permission_expires": "", "copyright_notice": "", "logo": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("case", list(HOSTILE))
def test_the_logo_answers_each_with_a_form_error(editor_client, media, case):
    _, name, message = HOSTILE[case]
    response = logo_post(editor_client, hostile(case), name)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["logo"]
    assert any(message in error for error in errors), errors
    assert not Source.objects.exists() and stored_files(media) == []


def jpeg_with_gps() -> bytes:
    picture = PILImage.new("RGB", (64, 40), (30, 120, 200))
    exif = PILImage.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 0.0), 3: "E", 4: (121.0, 33.0, 0.0)}
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, comment=b"secret")
    return out.getvalue()


def test_a_logo_is_stored_stripped_under_a_generated_name(editor_client, media):
    response = logo_post(editor_client, jpeg_with_gps(), "../../我的 logo<script>.JPG")
    assert response.status_code == 302, response.content.decode()[:2000]
    logo = Source.objects.get().logo
    name = Path(logo.name)
    assert name.parent == Path("sources") and name.suffix == ".jpg"
    assert "logo" not in name.name and "script" not in name.name
    with PILImage.open(logo.path) as stored:
        assert not stored.getexif() and "comment" not in stored.info
    assert b"Camera maker" not in Path(logo.path).read_bytes()


def test_a_logo_refused_on_change_keeps_the_old_one(editor_client, media):
    source = SourceFactory()
    logo_post(editor_client, jpeg_with_gps(), "logo.jpg", source)
    source.refresh_from_db()
    old = source.logo.name
    response = logo_post(editor_client, hostile("tall-frames"), "tall.gif", source)
    assert response.status_code == 200 and "logo" in response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.logo.name == old


# --- imports: the article lands, without its picture, and the report says why ----------------------------------------


def import_file(tmp_path, cases: list[str]) -> Path:
    records = []
    for number, case in enumerate(cases):
        data, name, _ = HOSTILE[case]
        (tmp_path / "images").mkdir(exist_ok=True)
        (tmp_path / "images" / name).write_bytes(hostile(case))
        records.append({"guid": f"pic-{number}", "title": f"圖片 {case}", "body": "<p>內文</p>",
                        "source": {"name": "圖片測試", "url": "https://pictures.example"},
                        "image": {"path": f"images/{name}", "credit": "路透社"}})
    path = tmp_path / "pictures.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(HOSTILE))
def test_an_import_record_with_a_refused_picture_lands_without_it(tmp_path, media, case):
    result = services.articles_import(paths=[import_file(tmp_path, [case])])
    assert (result.created, result.failed) == (1, 0), result.report
    article = Article.objects.get(guid="pic-0")
    assert article.featured_image is None and not Image.objects.exists()
    [line] = [line for line in result.lines if line.kind == "picture"]
    assert HOSTILE[case][2] in line.text and f"#{article.pk}" in line.text


def test_the_import_command_reports_the_picture_and_succeeds(tmp_path, media):
    path = import_file(tmp_path, ["svg", "tall-frames"])
    output = io.StringIO()
    call_command("import_articles", str(path), stdout=output)
    text = output.getvalue()
    assert "created 2, updated 0, unchanged 0, failed 0" in text
    assert "record 1 (line 1): 圖片未匯入：不接受 SVG" in text and "圖片未匯入：圖片太大" in text


def test_a_dry_run_reports_the_refused_picture_too(tmp_path, media):
    result = services.articles_import(paths=[import_file(tmp_path, ["truncated"])], dry_run=True)
    assert result.created == 1 and [line.kind for line in result.lines] == ["picture"]
    assert not Article.objects.exists()


def test_a_missing_picture_file_costs_only_the_picture(tmp_path, media):
    path = tmp_path / "missing.json"
    path.write_text(json.dumps([{"guid": "m", "title": "沒有圖", "body": "<p>x</p>", "source": {"name": "X"},
                                 "image": {"path": "images/nowhere.jpg"}}], ensure_ascii=False), encoding="utf-8")
    result = services.articles_import(paths=[path])
    assert (result.created, result.failed) == (1, 0)
    assert "找不到圖片檔：images/nowhere.jpg" in result.report


def test_a_good_picture_still_lands_beside_a_refused_one(tmp_path, media):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "good.jpg").write_bytes(small_jpeg())
    path = import_file(tmp_path, ["bomb"])
    records = json.loads(path.read_text(encoding="utf-8"))
    records.append({**records[0], "guid": "good", "image": {"path": "images/good.jpg", "credit": "本報"}})
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    result = services.articles_import(paths=[path])
    assert (result.created, result.failed) == (2, 0)
    assert Article.objects.get(guid="good").featured_image.credit == "本報"
    assert Article.objects.get(guid="pic-0").featured_image is None
