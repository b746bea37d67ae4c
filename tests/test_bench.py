"""The benchmark's own helpers (bench/): they must measure what they claim to."""

import json

import pytest

from bench import admin
from bench.images import bench_make_all, bench_validate_bomb
from tests.factories import ArticleFactory
from tests.imagedata import decompression_bomb_png, sample_jpeg


def test_bench_helper_refuses_the_bomb():
    result = bench_validate_bomb(decompression_bomb_png(side=9_000))  # 81 megapixels
    assert result["refused"] in ("decompression_bomb", "too_many_pixels")
    assert result["peak_bytes"] > 0 and result["seconds"] < 2


def test_bench_make_all_makes_every_rendition_of_a_large_jpeg():
    result = bench_make_all(sample_jpeg(2000, 1500))
    assert result["renditions"] == 7 and result["size"] == (2000, 1500)
    assert result["seconds"] < 10


@pytest.mark.django_db
def test_bench_admin_times_an_editors_list_and_forms_and_reports_the_target(capsys):
    """The admin section's own code, with small numbers, on the test database: an editor (not a superuser) gets
    every page with a 200, each request's queries are counted, and the report says PASS only under the target."""
    ArticleFactory.create_batch(4, published=True)
    ArticleFactory(published=True, title="大型語言模型的推論成本")
    exec(admin.admin_code(forms=3, repeats=2, terms=["模型", "晶片"]), {"json": json})  # noqa: S102 - our own code
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["articles"] == 5
    assert figures["changelist"]["requests"] == figures["changelist_search"]["requests"] == 2
    assert figures["change_form"]["requests"] == 3
    for page in ("changelist", "changelist_search", "change_form"):
        assert figures[page]["queries_min"] > 0 and figures[page]["p50_ms"] > 0
    figures["changelist"]["p50_ms"], figures["change_form"]["p50_ms"] = 149.9, admin.MAX_P50_MS
    targets = admin.report({"admin": figures})[-3:]
    assert targets[0].startswith("  PASS  change list, first page")
    assert targets[2].startswith("  FAIL  change form")
