"""What only a browser shows: on a phone the header stays on one line, and no page asks for a file that is missing."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", [320, 360, 390])
@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_phone_header_is_one_line(browser, live_server, width, prefix):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-TW")
    page = context.new_page()
    missing = []
    page.on("response", lambda response: response.status >= 400 and missing.append(response.url))
    page.goto(live_server.url + prefix + "/")
    page.wait_for_load_state("networkidle")

    brand = box(page, ".brand")
    line_height = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.brand')).lineHeight)")
    assert brand["height"] < 1.5 * line_height, "新聞室 wrapped onto two lines"
    first, second = page.locator(".variant-switch > *").all()
    a, b = first.bounding_box(), second.bounding_box()
    assert abs(a["y"] - b["y"]) < 1 and b["x"] >= a["x"] + a["width"] - 1, "繁/简 stacked instead of side by side"
    for item in (a, b):
        assert item["height"] < 2.2 * 16, "a script name wrapped"
    search = box(page, ".header-search input")
    assert search["width"] >= 80  # still usable
    # One row: brand, search box and switch share a middle line.
    middle = brand["y"] + brand["height"] / 2
    for part in (a, b, search):
        assert abs(part["y"] + part["height"] / 2 - middle) < 6, part
    assert brand["x"] + brand["width"] <= search["x"] <= search["x"] + search["width"] <= a["x"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushed off the screen
    assert missing == []  # the favicon among them
    context.close()


def test_the_browser_finds_the_favicon_and_the_manifest(page, live_server):
    page.goto(live_server.url + "/")
    for rel in ("icon", "manifest", "apple-touch-icon"):
        href = page.locator(f'link[rel="{rel}"]').first.get_attribute("href")
        assert page.request.get(live_server.url + href).status == 200, rel
