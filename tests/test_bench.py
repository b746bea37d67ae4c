"""The benchmark's own helpers (bench/): they must measure what they claim to."""

from bench.images import bench_make_all, bench_validate_bomb
from tests.imagedata import decompression_bomb_png, sample_jpeg


def test_bench_helper_refuses_the_bomb():
    result = bench_validate_bomb(decompression_bomb_png(side=9_000))  # 81 megapixels
    assert result["refused"] in ("decompression_bomb", "too_many_pixels")
    assert result["peak_bytes"] > 0 and result["seconds"] < 2


def test_bench_make_all_makes_every_rendition_of_a_large_jpeg():
    result = bench_make_all(sample_jpeg(2000, 1500))
    assert result["renditions"] == 7 and result["size"] == (2000, 1500)
    assert result["seconds"] < 10
