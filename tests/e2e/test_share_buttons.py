"""What only a browser shows: pressing a share button updates the total in place; copy-link copies."""

import pytest

from articles import services
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_pressing_share_updates_the_total_and_copy_link_copies(page, live_server, settings):
    settings.SHARE_MIN_DISPLAY = 10
    article = services.article_publish(article=ArticleFactory(title="瀏覽器分享測試", source=None))
    Article.objects.filter(pk=article.pk).update(share_total=9)
    url = live_server.url + article.get_absolute_url()

    page.goto(url)
    total = page.locator("[data-share-total]")
    assert total.get_attribute("data-share-total") == "9"
    assert not total.is_visible()  # nine shares are not worth showing

    with page.expect_popup() as popup:
        page.locator('[data-network="line"]').click()
    popup.value.close()
    page.wait_for_selector('[data-share-total="10"]', state="visible")
    assert total.inner_text().replace(" ", "") == "分享10次"

    copy = page.locator('[data-network="copy"]')
    copy.click()
    page.wait_for_selector('[data-share-total="11"]')
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert copy.inner_text() == "已複製"
    article.refresh_from_db()
    assert article.share_total == 11


def test_without_javascript_the_buttons_are_plain_share_links(browser, live_server):
    article = services.article_publish(article=ArticleFactory(title="無腳本分享", source=None))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + article.get_absolute_url())
    href = page.locator('[data-network="facebook"]').get_attribute("href")
    assert href.startswith("https://www.facebook.com/sharer/sharer.php?u=http")
    assert page.locator('[data-network="copy"]').get_attribute("href") == live_server.url + article.get_absolute_url()
    context.close()
