"""What only a browser enforces: the Content-Security-Policy blocks nothing the site itself needs,
on the public pages and in the admin."""

import pytest

from articles import services
from tests.factories import ArticleFactory, UserFactory, make_image

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Init scripts run outside the page's CSP, so this sees every violation the policy reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_public_pages_and_the_admin_run_without_csp_violations(page, live_server):
    image = make_image(credit="測試圖片來源")
    article = services.article_publish(
        article=ArticleFactory(title="內容安全政策測試", source=None, featured_image=image, tags=["安全"])
    )
    UserFactory(username="chief", is_superuser=True)
    page.add_init_script(RECORD_VIOLATIONS)

    for path in ("/", article.get_absolute_url(), "/zh-hans" + article.get_absolute_url(), "/tags/安全/"):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert violations(page) == [], path

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    for path in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/",
                 f"/admin/articles/article/{article.pk}/change/", f"/admin/articles/image/{image.pk}/change/"):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        page.wait_for_load_state("load")
        assert violations(page) == [], path
