"""articles.images (the upload gate and normalisation), services.image_create and the image admin."""

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, ImageCms
from PIL import Image as PILImage

from articles import images, services
from articles.models import Image, Rendition
from tests.factories import SourceFactory
from tests.imagedata import decompression_bomb_png

pytestmark = pytest.mark.django_db


# --- building test files --------------------------------------------------------------------------------------------


def encode(picture: PILImage.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    picture.save(out, fmt, **options)
    return out.getvalue()


def two_tone(size=(64, 40), top=(220, 30, 30), bottom=(30, 30, 220)) -> PILImage.Image:
    """Top half one colour, bottom half another: shows where the top ends up after a rotation."""
    picture = PILImage.new("RGB", size, bottom)
    picture.paste(top, (0, 0, size[0], size[1] // 2))
    return picture


def jpeg_with_gps(size=(64, 40), orientation=6) -> bytes:
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (25.0, 2.0, 0.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (121.0, 33.0, 0.0)
    data = encode(two_tone(size), "JPEG", exif=exif, comment=b"shot at home, 25N 121E", quality=95)
    check = PILImage.open(io.BytesIO(data))
    assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the fixture must really carry GPS"
    return data


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def png_rgb16(width=8, height=6) -> bytes:
    """A 16-bit-per-channel RGB PNG, written by hand (Pillow reads these but will not write them)."""
    rows = b"".join(b"\0" + b"".join(struct.pack(">HHH", 65535, 32768 + x * 100, 0) for x in range(width))
                    for _y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def animated_gif(frames: int, size=(100, 100)) -> bytes:
    pictures = [PILImage.new("P", size, 0) for _ in range(frames)]
    for index, picture in enumerate(pictures):
        picture.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
        picture.paste(1 + index % 3, (index * 5, index * 5, index * 5 + 30, index * 5 + 30))
    return encode(pictures[0], "GIF", save_all=True, append_images=pictures[1:], duration=80, loop=0)


def upload(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        images.validate_upload(upload(data, name))
    return caught.value


def stored_files(root) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- what is refused ------------------------------------------------------------------------------------------------


def test_a_truncated_jpeg_is_refused():
    data = encode(two_tone((400, 300)), "JPEG")
    error = refusal(data[: len(data) // 2], "cut.jpg")
    assert error.code == "corrupt"
    assert "不完整或已損毀" in error.messages[0]


def test_a_png_whose_header_claims_50000_by_50000_is_refused_without_decoding():
    data = png_claiming(50_000, 50_000)
    assert len(data) < 200
    started = time.perf_counter()
    error = refusal(data, "huge.png")
    assert time.perf_counter() - started < 1
    assert error.code in ("decompression_bomb", "too_many_pixels")
    assert "像素" in error.messages[0]


def test_a_small_file_that_decompresses_huge_is_refused_before_it_is_decoded():
    data = decompression_bomb_png(side=10_000)  # 100 megapixels of black in about 100 KB
    assert len(data) < 300_000
    started = time.perf_counter()
    error = refusal(data, "bomb.png")
    assert time.perf_counter() - started < 2  # decoding 100 megapixels would take far longer
    assert error.code in ("decompression_bomb", "too_many_pixels")


def test_pillows_decompression_bomb_warning_is_an_error(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**12  # our own cap out of the way: only Pillow's warning is left
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)
    data = encode(PILImage.new("RGB", (40, 40)), "PNG")  # 1600 pixels: Pillow warns (it only errors past 2000)
    assert refusal(data, "warn.png").code == "decompression_bomb"


def test_an_animated_gif_over_the_pixel_cap_by_frames_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 50_000  # one 100 × 100 frame is 10,000 pixels
    error = refusal(animated_gif(6), "anim.gif")
    assert error.code == "too_many_pixels"
    assert "× 6 格" in error.messages[0]
    prepared = images.validate_upload(upload(animated_gif(4), "anim.gif"))
    assert prepared.animated and len(prepared.frames) == 4
    assert PILImage.open(io.BytesIO(prepared.data)).n_frames == 4


@pytest.mark.parametrize("name", ["evil.svg", "evil.png", "evil.jpg"])
def test_svg_with_script_is_refused_whatever_its_name(name):
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    error = refusal(svg, name)
    assert error.code == "unsupported_format"
    assert "SVG" in error.messages[0]


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (b"8BPS\x00\x01" + b"\x00" * 64, "PSD"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "EPS"),
        (b"\xc5\xd0\xd3\xc6" + b"\x00" * 64, "EPS"),
        (b"%PDF-1.7\n", "PDF"),
        (b"II*\x00" + b"\x00" * 64, "TIFF"),
    ],
)
def test_other_formats_renamed_png_are_refused_by_name(data, label):
    error = refusal(data, "innocent.png")
    assert error.code == "unsupported_format"
    assert label in error.messages[0]


def test_a_bmp_is_refused_even_though_pillow_could_read_it():
    bmp = encode(PILImage.new("RGB", (4, 4)), "BMP")
    assert refusal(bmp, "x.bmp").code == "unsupported_format"


def test_a_gif_renamed_png_is_refused_for_the_mismatch():
    error = refusal(animated_gif(2), "really-a-gif.png")
    assert error.code == "extension_mismatch"
    assert ".png" in error.messages[0] and "GIF" in error.messages[0]


def test_an_unknown_extension_is_refused():
    assert refusal(encode(two_tone(), "JPEG"), "photo.php").code == "unsupported_extension"


def test_a_nul_in_the_file_name_is_refused():
    data = encode(two_tone(), "JPEG")
    for name in ("x\x00.jpg", "x.jpg\x00.png"):
        error = refusal(data, name)
        assert error.code == "bad_name"
        assert "NUL" in error.messages[0]


def test_a_file_over_the_byte_cap_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 2_000
    data = encode(PILImage.effect_noise((100, 100), 64).convert("RGB"), "PNG")
    assert len(data) > 2_000
    error = refusal(data, "noise.png")
    assert error.code == "too_large"
    assert "上限" in error.messages[0]

    class NoSize(io.BytesIO):  # a stream that does not say how big it is: the read itself is capped
        name = "noise.png"

    with pytest.raises(ValidationError) as caught:
        images.validate_upload(NoSize(data))
    assert caught.value.code == "too_large"


def test_an_empty_file_is_refused():
    assert refusal(b"", "empty.jpg").code == "empty"


# --- what is stored -------------------------------------------------------------------------------------------------


def test_gps_exif_and_comments_are_stripped_after_the_orientation_is_applied():
    prepared = images.validate_upload(upload(jpeg_with_gps((64, 40), orientation=6), "phone.jpg"))
    stored = PILImage.open(io.BytesIO(prepared.data))
    assert stored.size == (40, 64)  # orientation 6: turned a quarter clockwise
    assert (prepared.width, prepared.height) == (40, 64)
    red, blue = stored.convert("RGB").getpixel((35, 32)), stored.convert("RGB").getpixel((4, 32))
    assert red[0] > 150 and red[2] < 100  # the top (red) is now on the right
    assert blue[2] > 150 and blue[0] < 100
    assert not stored.getexif()
    assert "exif" not in stored.info and "comment" not in stored.info
    assert b"TestCam" not in prepared.data and b"25N" not in prepared.data


def test_cmyk_becomes_srgb_rgb():
    data = encode(PILImage.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG", quality=95)
    assert PILImage.open(io.BytesIO(data)).mode == "CMYK"
    prepared = images.validate_upload(upload(data, "print.jpg"))
    stored = PILImage.open(io.BytesIO(prepared.data))
    assert stored.mode == "RGB"
    r, g, b = stored.getpixel((16, 16))
    assert r > 200 and g < 60 and b < 60


def test_an_embedded_colour_profile_is_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data = encode(two_tone(), "JPEG", icc_profile=srgb.tobytes())
    assert PILImage.open(io.BytesIO(data)).info.get("icc_profile")
    prepared = images.validate_upload(upload(data, "tagged.jpg"))
    assert "icc_profile" not in PILImage.open(io.BytesIO(prepared.data)).info


def test_16_bit_images_become_8_bit():
    grey16 = PILImage.linear_gradient("L").resize((64, 64)).convert("I").point(lambda v: v * 257).convert("I;16")
    data = encode(grey16, "PNG")
    assert PILImage.open(io.BytesIO(data)).mode == "I;16"
    stored = PILImage.open(io.BytesIO(images.validate_upload(upload(data, "grey16.png")).data))
    assert stored.mode == "L"
    low, high = stored.getextrema()
    assert high > 200  # scaled, not clipped to white
    assert low < 50

    colour16 = png_rgb16()
    assert colour16[24] == 16  # IHDR bit depth
    prepared = images.validate_upload(upload(colour16, "rgb16.png"))
    assert prepared.data[24] == 8
    stored = PILImage.open(io.BytesIO(prepared.data))
    assert stored.mode == "RGB" and stored.getpixel((0, 0))[0] == 255


def test_a_palette_with_transparency_becomes_rgba():
    picture = PILImage.new("P", (16, 16), 0)
    picture.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    picture.paste(1, (4, 4, 12, 12))
    data = encode(picture, "PNG", transparency=0)
    stored = PILImage.open(io.BytesIO(images.validate_upload(upload(data, "logo.png")).data))
    assert stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0 and stored.getpixel((8, 8)) == (200, 0, 0, 255)


def test_a_clean_file_is_stored_as_uploaded_and_normalising_is_idempotent():
    clean = encode(two_tone((80, 60)), "JPEG", quality=85)
    prepared = images.validate_upload(upload(clean, "clean.jpg"))
    assert prepared.data == clean  # nothing to strip: no generation loss
    dirty = images.validate_upload(upload(jpeg_with_gps(), "dirty.jpg"))
    again = images.validate_upload(upload(dirty.data, "again.jpg"))
    assert again.data == dirty.data and again.content_hash == dirty.content_hash


@pytest.mark.skipif("AVIF" not in images.ACCEPTED_FORMATS, reason="this Pillow has no AVIF")
def test_avif_is_accepted_where_pillow_supports_it():
    data = encode(two_tone((32, 32)), "AVIF")
    prepared = images.validate_upload(upload(data, "x.avif"))
    assert prepared.format == "AVIF" and prepared.extension == "avif"


def test_webp_is_accepted():
    prepared = images.validate_upload(upload(encode(two_tone(), "WEBP", lossless=True), "x.webp"))
    assert prepared.format == "WEBP"


# --- the service ----------------------------------------------------------------------------------------------------


def test_image_create_stores_a_generated_name_and_its_renditions(media):
    image = services.image_create(file=upload(jpeg_with_gps((1000, 600)), "../../x.jpg"), alt_text="街景",
                                  credit="本報攝影")
    assert image.file.name == f"images/{image.content_hash[:2]}/{image.content_hash}.jpg"
    assert Path(image.file.path).resolve().is_relative_to(Path(media).resolve())
    assert not (Path(media).parent / "x.jpg").exists()
    assert (image.width, image.height) == (600, 1000)  # turned upright
    stored = PILImage.open(image.file.path)
    assert not stored.getexif() and "comment" not in stored.info
    specs = set(image.renditions.values_list("spec", flat=True))
    assert specs == {"w480-webp", "w480-jpeg", "w800-webp", "w800-jpeg", "og-jpeg"}
    for rendition in image.renditions.all():
        with PILImage.open(rendition.file.path) as picture:
            assert not picture.getexif(), rendition.spec
            assert "exif" not in picture.info and "comment" not in picture.info
            assert picture.size == (rendition.width, rendition.height)
        assert b"TestCam" not in Path(rendition.file.path).read_bytes()


def test_image_create_stores_identical_files_once(media):
    data = jpeg_with_gps()
    first = services.image_create(file=upload(data, "a.jpg"), alt_text="一")
    second = services.image_create(file=upload(data, "b.jpg"), alt_text="二")
    assert first.pk == second.pk
    with first.file.open("rb") as stored:  # a stored file uploaded again is the same image too
        third = services.image_create(file=upload(stored.read(), "c.jpg"), alt_text="三")
    assert third.pk == first.pk
    assert Image.objects.count() == 1
    assert len(stored_files(Path(media) / "images")) == 1


def test_image_create_refusal_leaves_nothing_behind(media):
    with pytest.raises(ValidationError) as caught:
        services.image_create(file=upload(png_claiming(50_000, 50_000), "x.png"), alt_text="x")
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.image_create(file=upload(encode(two_tone(), "JPEG"), "ok.jpg"), alt_text="")
    assert "alt_text" in caught.value.message_dict
    assert not Image.objects.exists() and not Rendition.objects.exists()
    assert stored_files(media) == []


# --- the admin ------------------------------------------------------------------------------------------------------


def admin_post(client, data: bytes, name: str, **fields):
    payload = {"file": SimpleUploadedFile(name, data, content_type="image/jpeg"), "alt_text": "替代文字",
               "caption": "", "credit": "路透社", "source": "", "focal_x": "0.5", "focal_y": "0.5"}
    payload.update(fields)
    return client.post(reverse("admin:articles_image_add"), payload)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "x.svg", "不接受 SVG"),
        (png_claiming(50_000, 50_000), "x.png", "像素"),
        (b"8BPS" + b"\x00" * 40, "x.png", "不接受 PSD"),
        (animated_gif(2), "x.png", "不符"),
        (encode(two_tone((200, 200)), "JPEG")[:600], "x.jpg", "不完整或已損毀"),
    ],
)
def test_the_admin_shows_a_chinese_error_and_stores_nothing(editor_client, media, data, name, message):
    response = admin_post(editor_client, data, name)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert any(message in error for error in errors), errors
    assert message in response.content.decode()
    assert not Image.objects.exists()
    assert stored_files(media) == []


def test_the_admin_requires_alt_text_and_credit(editor_client, media):
    response = admin_post(editor_client, encode(two_tone(), "JPEG"), "x.jpg", alt_text="", credit="")
    form = response.context["adminform"].form
    assert "alt_text" in form.errors and "credit" in form.errors
    assert not Image.objects.exists()


def test_the_admin_upload_stores_a_clean_original_with_renditions(editor_client, editor, media):
    source = SourceFactory(name="中央社")
    response = admin_post(editor_client, jpeg_with_gps((1600, 900), orientation=1), "../../x.jpg",
                          ai_generated="on", source=source.pk, caption="圖說", focal_x="0.25", focal_y="0.4")
    assert response.status_code == 302, response.content.decode()[:3000]
    image = Image.objects.get()
    assert image.uploaded_by == editor and image.ai_generated and image.source == source
    assert (image.focal_x, image.focal_y) == (0.25, 0.4)
    assert image.file.name.startswith(f"images/{image.content_hash[:2]}/")
    assert not PILImage.open(image.file.path).getexif()
    assert image.renditions.filter(spec="og-jpeg", width=1200, height=630).exists()
    assert image.renditions.count() == 7

    change = editor_client.get(reverse("admin:articles_image_change", args=[image.pk])).content.decode()
    assert "data-focal-picker" in change and "data-focal-preview" in change
    assert "js/admin-focal-point.js" in change
    assert "w1200-webp" in change and "og-jpeg" in change  # the renditions list
    assert "<script>" not in change.split("<body")[1].split("</form>")[0]  # no inline script in the form
    changelist = editor_client.get(reverse("admin:articles_image_changelist")).content.decode()
    assert image.renditions.get(spec="w480-webp").file.url in changelist  # the list thumbnail

    duplicate = admin_post(editor_client, jpeg_with_gps((1600, 900), orientation=1), "again.jpg")
    assert "相同的圖片已經上傳過" in duplicate.content.decode()


def test_moving_the_focal_point_in_the_admin_remakes_the_social_crop(editor_client, media,
                                                                    django_capture_on_commit_callbacks):
    image = services.image_create(file=upload(encode(two_tone((2000, 800)), "JPEG"), "wide.jpg"), alt_text="寬",
                                  credit="本報")
    before = image.renditions.get(spec="og-jpeg").file.name
    others = dict(image.renditions.exclude(spec="og-jpeg").values_list("spec", "file"))
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes once the new one is committed
        response = editor_client.post(
            reverse("admin:articles_image_change", args=[image.pk]),
            {"alt_text": "寬", "caption": "", "credit": "本報", "source": "", "focal_x": "0.9", "focal_y": "0.5"},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    image.refresh_from_db()
    assert image.focal_x == 0.9
    after = image.renditions.get(spec="og-jpeg").file.name
    assert after != before and not image.file.storage.exists(before)
    assert dict(image.renditions.exclude(spec="og-jpeg").values_list("spec", "file")) == others


def test_the_focal_point_must_be_between_0_and_1(editor_client, media):
    image = services.image_create(file=upload(encode(two_tone(), "JPEG"), "x.jpg"), alt_text="x", credit="x")
    response = editor_client.post(
        reverse("admin:articles_image_change", args=[image.pk]),
        {"alt_text": "x", "caption": "", "credit": "x", "source": "", "focal_x": "1.5", "focal_y": "-1"},
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"focal_x", "focal_y"}
    with pytest.raises(ValidationError):
        services.image_update_focal_point(image=image, focal_x=2, focal_y=0.5)

