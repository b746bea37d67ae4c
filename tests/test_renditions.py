"""articles.images.renditions (specs and pixels), services.renditions_ensure, make_renditions and the picture markup."""

import io
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from articles import selectors, services
from articles.images import renditions
from articles.models import Image, Rendition
from articles.services import images as image_services
from tests.factories import ArticleFactory, SourceFactory, make_image
from tests.imagedata import sample_jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def rendition_files(root) -> list[Path]:
    return sorted(path for path in (Path(root) / "renditions").rglob("*") if path.is_file())


def thirds(size=(3000, 1000)) -> PILImage.Image:
    """Red, green and blue thirds, left to right: shows where a crop was taken."""
    picture = PILImage.new("RGB", size, (0, 0, 255))
    picture.paste((255, 0, 0), (0, 0, size[0] // 3, size[1]))
    picture.paste((0, 255, 0), (size[0] // 3, 0, 2 * size[0] // 3, size[1]))
    return picture


def dominant(data: bytes) -> str:
    r, g, b = PILImage.open(io.BytesIO(data)).convert("RGB").resize((1, 1), PILImage.Resampling.BOX).getpixel((0, 0))
    return max((r, "red"), (g, "green"), (b, "blue"))[1]


# --- specs and pixels ----------------------------------------------------------------------------------------------


def test_specs_never_repeat_pixels_and_always_include_the_social_crop():
    names = lambda w, h: [spec.name for spec in renditions.specs_for(w, h)]  # noqa: E731
    assert names(4000, 3000) == ["w480-webp", "w480-jpeg", "w800-webp", "w800-jpeg", "w1200-webp", "w1200-jpeg",
                                 "og-jpeg"]
    assert names(640, 360) == ["w480-webp", "w480-jpeg", "w800-webp", "w800-jpeg", "og-jpeg"]
    assert names(300, 200) == ["w480-webp", "w480-jpeg", "og-jpeg"]
    assert names(800, 600) == ["w480-webp", "w480-jpeg", "w800-webp", "w800-jpeg", "og-jpeg"]


@pytest.mark.parametrize(
    ("size", "spec", "expected"),
    [
        ((4000, 3000), "w1200-jpeg", (1200, 900)),
        ((4000, 3000), "og-jpeg", (1200, 630)),
        ((640, 360), "w800-webp", (640, 360)),  # never upscaled
        ((640, 360), "og-jpeg", (640, 336)),
        ((300, 2000), "og-jpeg", (300, 158)),
    ],
)
def test_output_sizes(size, spec, expected):
    by_name = {s.name: s for s in renditions.specs_for(*size)}
    assert renditions.output_size(size, by_name[spec]) == expected


@pytest.mark.parametrize(("focal_x", "colour"), [(0.0, "red"), (0.5, "green"), (1.0, "blue")])
def test_the_social_crop_follows_the_focal_point(focal_x, colour):
    source = renditions.Source(frames=[thirds()], focal_x=focal_x, focal_y=0.5)
    og = renditions.render(source, renditions.Spec(renditions.SOCIAL_SPEC, "JPEG", *renditions.SOCIAL_SIZE))
    assert (og.width, og.height) == (1200, 630)
    assert dominant(og.data) == colour


def test_renditions_from_a_draft_decoded_jpeg_match_the_original_geometry():
    data = sample_jpeg(2600, 1400)
    specs = renditions.specs_for(2600, 1400)
    source = renditions.source_open(io.BytesIO(data), specs=specs)
    assert source.frames[0].width < 2600  # decoded at a reduced scale
    for spec in specs:
        made = renditions.render(source, spec)
        with PILImage.open(io.BytesIO(made.data)) as picture:
            assert picture.size == (made.width, made.height) == renditions.output_size((2600, 1400), spec)
            assert picture.format == spec.format


def test_an_animated_gif_gets_animated_webp_and_a_still_jpeg(media):
    frames = [PILImage.new("RGB", (120, 80), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = make_image_from(out.getvalue(), "anim.gif")
    webp = image.renditions.get(spec="w480-webp")
    with PILImage.open(webp.file.path) as picture:
        assert picture.n_frames == 3
    with PILImage.open(image.renditions.get(spec="w480-jpeg").file.path) as picture:
        assert picture.format == "JPEG" and picture.size == (120, 80)


def make_image_from(data: bytes, name: str) -> Image:
    from django.core.files.base import ContentFile

    return services.image_create(file=ContentFile(data, name=name), alt_text="測試", credit="本報")


def test_transparency_is_kept_in_webp_and_laid_on_white_in_jpeg(media):
    picture = PILImage.new("RGBA", (100, 100), (0, 0, 0, 0))
    picture.paste((200, 0, 0, 255), (25, 25, 75, 75))
    out = io.BytesIO()
    picture.save(out, "PNG")
    image = make_image_from(out.getvalue(), "logo.png")
    with PILImage.open(image.renditions.get(spec="w480-webp").file.path) as webp:
        assert webp.convert("RGBA").getpixel((0, 0))[3] == 0
    with PILImage.open(image.renditions.get(spec="w480-jpeg").file.path) as jpeg:
        assert min(jpeg.convert("RGB").getpixel((2, 2))) > 240


# --- rows and files ------------------------------------------------------------------------------------------------


def test_renditions_ensure_is_idempotent_and_cheap(media, django_assert_num_queries):
    image = make_image(size=(1600, 900))
    assert image.renditions.count() == 7
    files = rendition_files(media)
    assert len(files) == 7
    with django_assert_num_queries(1):
        assert len(services.renditions_ensure(image=image)) == 7
    prefetched = Image.objects.prefetch_related("renditions").get(pk=image.pk)
    with django_assert_num_queries(0):
        services.renditions_ensure(image=prefetched)
    assert rendition_files(media) == files


def test_renditions_ensure_fills_in_what_is_missing_and_never_raises(media, caplog):
    image = make_image(size=(1600, 900))
    image.renditions.filter(spec__in=["w800-webp", "og-jpeg"]).delete()
    made = services.renditions_ensure(image=image)
    assert {r.spec for r in made} == renditions.spec_names_for(1600, 900)
    image.renditions.all().delete()
    Path(image.file.path).unlink()
    assert services.renditions_ensure(image=image) == []  # logged, not raised: publishing never waits on this
    assert "cannot read image" in caplog.text


def test_a_rendition_that_fails_to_save_leaves_no_file(media, monkeypatch):
    image = make_image(size=(900, 600))
    image.renditions.all().delete()
    for path in rendition_files(media):
        path.unlink()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Rendition, "save", broken_save)
    spec = renditions.specs_for(900, 600)[0]
    with pytest.raises(RuntimeError):
        image_services.rendition_get_or_create(image=image, spec=spec)
    assert rendition_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_asking_for_the_same_rendition_make_one_row_and_one_file(media, monkeypatch):
    image = make_image(size=(900, 600))
    image.renditions.all().delete()
    for path in rendition_files(media):
        path.unlink()
    spec = renditions.specs_for(900, 600)[0]
    both_rendered = threading.Barrier(2, timeout=20)
    real_render = renditions.render

    def render_then_wait(source, wanted):
        made = real_render(source, wanted)
        both_rendered.wait()  # both workers have passed the "does it exist?" check before either inserts
        return made

    monkeypatch.setattr(renditions, "render", render_then_wait)
    results, errors = [], []

    def worker():
        try:
            fresh = Image.objects.get(pk=image.pk)
            results.append(image_services.rendition_get_or_create(image=fresh, spec=spec))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len(results) == 2
    assert sorted(created for _rendition, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
    assert Rendition.objects.filter(image=image, spec=spec.name).count() == 1
    files = rendition_files(media)
    assert [path.name for path in files] == [Path(Rendition.objects.get(image=image, spec=spec.name).file.name).name]


# --- make_renditions -----------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("make_renditions", *args, stdout=out)
    return out.getvalue()


def test_make_renditions_fills_in_missing_ones_with_progress(media, django_capture_on_commit_callbacks):
    first, second = make_image(size=(1600, 900)), make_image(size=(700, 400), colour=(1, 2, 3))
    first.renditions.filter(spec__startswith="w1200").delete()
    output = run("--dry-run")
    assert "會產生 2 個" in output and "would make 2 renditions" in output
    assert first.renditions.count() == 5
    output = run()
    assert f"[1/2] #{first.pk} 1600×900 產生 2 個" in output
    assert "made 2 renditions, failed 0, images already complete 1 (of 2)" in output
    assert first.renditions.count() == 7
    before = {r.spec: r.file.name for r in second.renditions.all()}
    files_before = len(rendition_files(media))
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--force", "--image", str(second.pk))
    assert f"made {len(before)} renditions" in output
    after = {r.spec: r.file.name for r in second.renditions.all()}
    assert after.keys() == before.keys() and all(after[spec] != before[spec] for spec in before)
    assert len(rendition_files(media)) == files_before  # the old files are gone once the new rows are committed
    assert not any(second.file.storage.exists(name) for name in before.values())


def test_make_renditions_fails_loudly_when_an_original_is_missing(media):
    image = make_image(size=(700, 400))
    image.renditions.all().delete()
    Path(image.file.path).unlink()
    with pytest.raises(CommandError, match="failed 5"):
        run()


# --- pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def cold(settings):
    settings.PAGE_CACHE_SECONDS = 0


def test_the_article_page_serves_a_responsive_featured_picture_and_the_social_crop(client, cold, media):
    source = SourceFactory(name="路透社", reprint_permission="public")
    image = make_image(size=(1600, 900), credit="路透社", caption="記者會現場", source=source)
    article = services.article_publish(article=ArticleFactory(featured_image=image, source=source))
    html = client.get(article.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="featured">'):html.index("</figure>")]
    assert "<picture>" in figure and 'type="image/webp"' in figure
    for spec, width in (("w480-webp", 480), ("w800-webp", 800), ("w1200-webp", 1200), ("w1200-jpeg", 1200)):
        assert f"{image.renditions.get(spec=spec).file.url} {width}w" in figure
    assert "og-jpeg" not in figure
    assert 'sizes="' in figure and 'width="1600" height="900"' in figure
    assert 'fetchpriority="high"' in figure and 'loading="lazy"' not in figure
    assert "圖片來源：路透社" in figure and "data-image-credit" in figure and "記者會現場" in figure
    assert "data-image-source" in figure and source.get_absolute_url() in figure
    og = image.renditions.get(spec="og-jpeg")
    assert f'<meta property="og:image" content="http://testserver{og.file.url}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html


def test_list_cards_are_lazy_and_the_srcset_is_well_formed(client, cold, media):
    ArticleFactory(published=True, featured_image=make_image(size=(1000, 600)))
    html = client.get(reverse("articles:home")).content.decode()
    card = html[html.index('class="card-media"'):html.index("</picture>", html.index('class="card-media"'))]
    assert 'loading="lazy"' in card and 'decoding="async"' in card and 'alt=""' in card
    srcsets = [part.split('"')[0] for part in card.split('srcset="')[1:]]
    assert len(srcsets) == 2
    for srcset in srcsets:
        candidates = srcset.split(", ")
        assert len(candidates) == 3 and all(c.strip().endswith("w") and " " in c for c in candidates)
        assert not srcset.endswith(",") and "og-jpeg" not in srcset


def test_an_image_without_renditions_falls_back_to_the_original(client, cold, media):
    image = make_image(size=(400, 300))
    article = services.article_publish(article=ArticleFactory(featured_image=image))
    image.renditions.all().delete()  # e.g. media restored without its renditions, before make_renditions ran
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{image.file.url}"' in html and "srcset" not in html
    assert f'content="http://testserver{image.file.url}"' in html


def test_the_home_page_query_count_does_not_grow_with_images(client, cold, media, django_assert_num_queries):
    ArticleFactory(published=True, featured_image=make_image(size=(900, 500)))
    # Rendered live (no stored cards): the page with its cards, the articles whole, tags, renditions.
    with django_assert_num_queries(4):
        client.get(reverse("articles:home"))
    for index in range(4):
        ArticleFactory(published=True, featured_image=make_image(size=(900, 500), colour=(index, 9, 9)))
    with django_assert_num_queries(4):
        html = client.get(reverse("articles:home")).content.decode()
    assert html.count("<picture>") == 5


def test_selectors_prefetch_the_renditions(media, django_assert_num_queries):
    image = make_image(size=(900, 500))
    article = services.article_publish(article=ArticleFactory(featured_image=image))
    fetched = selectors.article_get_public(pk=article.pk)
    with django_assert_num_queries(0):
        assert len(fetched.featured_image.renditions.all()) == 7
        assert fetched.featured_image.source is None

