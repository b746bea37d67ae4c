"""The demo's data files (articles/demo/content): they parse, they refer to each other, and a broken one is named."""

import json
import shutil

import pytest

from articles import demo
from articles.demo.data import CONTENT_DIR, DemoContentError, read_content, split_blocks


def test_every_data_file_parses_and_every_reference_exists():
    for path in CONTENT_DIR.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # raises, naming nothing, if a file is not JSON
    content = read_content()
    sources = {source["key"] for source in content.sources}
    images = {image["key"] for image in content.images}
    assert {image["source"] for image in content.images} - {None} <= sources
    for article in content.articles:
        assert article["source"] in sources, article["guid"]
        assert article.get("original_source") in sources | {None}, article["guid"]
        assert article.get("image") in images | {None}, article["guid"]
        assert article["body"] and all(block.startswith("<") for block in article["body"]), article["guid"]
    bodies = {path.stem for path in (CONTENT_DIR / "articles").glob("*.html")}
    assert bodies == {article["guid"] for article in content.articles}
    # What bench/dataset.py and the loader read: the module-level lists are these files.
    assert demo.ARTICLES == content.articles and len(demo.ARTICLES) >= 24


def test_blank_lines_separate_body_blocks_but_stay_inside_code():
    code = "<pre><code>import os\n\n\ndef f():\n    pass</code></pre>"
    assert split_blocks(f"<p>一。</p>\n\n{code}\n\n<p>二。</p>\n") == ("<p>一。</p>", code, "<p>二。</p>")


def _break_json(directory, name, change):
    path = directory / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("breakage", "named", "says"),
    [
        (lambda d: (d / "articles/demo-007.json").write_text('{"guid": "demo-007",', encoding="utf-8"),
         "demo-007.json", "不是有效的 JSON"),
        (lambda d: _break_json(d, "articles/demo-003.json", lambda a: a.update(image="no-such-picture")),
         "demo-003.json", "no-such-picture"),
        (lambda d: _break_json(d, "articles/demo-012.json", lambda a: a.pop("title")),
         "demo-012.json", "title"),
        (lambda d: _break_json(d, "articles/demo-012.json", lambda a: a.update(titel="錯字")),
         "demo-012.json", "titel"),
        (lambda d: (d / "articles/demo-020.html").unlink(), "demo-020.json", "demo-020.html"),
        (lambda d: _break_json(d, "images.json", lambda images: images[0].update(source="nowhere")),
         "images.json", "nowhere"),
        (lambda d: _break_json(d, "sources.json", lambda sources: sources[1].update(permission="maybe")),
         "sources.json", "maybe"),
    ],
    ids=["bad-json", "unknown-image", "missing-field", "misspelt-field", "missing-body", "image-source", "choice"],
)
def test_a_broken_data_file_is_reported_with_its_name(tmp_path, breakage, named, says):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    breakage(directory)
    with pytest.raises(DemoContentError) as caught:
        read_content(directory)
    assert caught.value.path.name == named
    assert named in str(caught.value) and says in str(caught.value)
