"""What only a browser shows end to end: a writer submits, an editor approves from the queue, readers see it."""

import pytest

from articles.models import Article
from tests.factories import SourceFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")


def test_writer_submits_editor_approves_from_the_queue_and_the_article_is_public(browser, live_server, data_migrations):
    UserFactory(username="writer", groups=["writers"])
    UserFactory(username="editor", groups=["editors"])
    SourceFactory(name="開放科技評論", reprint_permission="public")

    writer = browser.new_context().new_page()
    log_in(writer, live_server, "writer")
    writer.goto(live_server.url + "/admin/articles/article/add/")
    writer.fill("#id_title", "瀏覽器審稿流程測試")
    writer.locator(".prose-editor [contenteditable=true]").fill("撰稿人在瀏覽器裡寫好這篇文章，送交編輯審核。")
    # The source field is the admin's autocomplete: type, then pick the suggestion.
    writer.click("#id_source + .select2 .select2-selection")
    writer.fill(".select2-search__field", "開放")
    writer.click(".select2-results__option:has-text('開放科技評論')")
    writer.select_option("#id_status", "review")
    writer.click("input[name=_save]")
    writer.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(title="瀏覽器審稿流程測試")
    assert article.status == "review" and article.source.name == "開放科技評論"

    reader = browser.new_context().new_page()
    assert reader.goto(live_server.url + article.get_absolute_url()).status == 404

    editor = browser.new_context().new_page()
    log_in(editor, live_server, "editor")
    editor.goto(live_server.url + "/admin/articles/article/review/")
    row = editor.locator(f'[data-review-article="{article.pk}"]')
    row.locator("input[value='核准並發布']").click()
    editor.wait_for_load_state()
    article.refresh_from_db()
    assert article.status == "published"

    response = reader.goto(live_server.url + article.get_absolute_url())
    assert response.status == 200
    assert reader.locator("h1").inner_text() == "瀏覽器審稿流程測試"
    assert "編譯自開放科技評論" in reader.locator("[data-attribution]").inner_text()
