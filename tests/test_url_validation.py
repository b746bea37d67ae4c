"""Every slug and id in a URL is validated before it reaches a query (newsroom.converters), and no admin filter
value can turn a change list into a server error (articles.admin.base). Run on PostgreSQL too: there a NUL byte
that reached a query was a DataError (500)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import get_resolver, reverse

from articles import services
from articles.admin.base import SafeChangeList
from newsroom.converters import ID_MAX, IdConverter, UnicodeSlugConverter
from tests.factories import ArticleFactory, SourceFactory, UserFactory


@pytest.fixture
def article(db):
    source = SourceFactory(name="來源", slug="laiyuan", reprint_permission="public")
    return services.article_publish(article=ArticleFactory(title="公開文章", source=source, tags=["比特幣"]))


@pytest.fixture
def site():
    """A client that answers a server error with a 500 instead of raising it, as a real server does."""
    return Client(raise_request_exception=False)


HOSTILE_SLUGS = [
    "%00", "a%00b", "%00%00", "%01", "%1F", "%7F", "%C2%80", "%C2%9F",  # NUL, C0 controls, DEL, C1 controls
    "%E2%80%AE", "%E2%80%8B", "%EF%BB%BF",  # RTL override, zero-width space, BOM: format characters
    "%EE%80%80",  # private use
    "a" * 201, "比" * 201,  # longer than any stored slug
]
SLUG_ROUTES = ["/tags/{}/", "/sources/{}/", "/tags/{}/feed/", "/tags/{}/feed/atom/", "/sources/{}/feed/",
               "/sources/{}/feed/atom/", "/zh-hans/tags/{}/", "/zh-hans/sources/{}/feed/", "/articles/1/{}/"]


@pytest.mark.parametrize("slug", HOSTILE_SLUGS, ids=lambda slug: slug[:12])
def test_a_hostile_slug_is_a_404_on_every_route(site, article, slug):
    for route in SLUG_ROUTES:
        assert site.get(route.format(slug)).status_code == 404, route


# The last: a full-width digit one.
HOSTILE_IDS = ["0", "00", str(ID_MAX + 1), "9" * 19, "9" * 20, "9" * 400, "1%00", "-1", "%EF%BC%91"]
ID_ROUTES = ["/articles/{}/", "/articles/{}/slug/", "/zh-hans/articles/{}/"]


@pytest.mark.parametrize("pk", HOSTILE_IDS, ids=lambda pk: pk[:20])
def test_a_hostile_id_is_a_404_on_every_route_and_the_share_endpoint(site, article, pk):
    for route in ID_ROUTES:
        assert site.get(route.format(pk)).status_code == 404, route
    response = site.post(f"/articles/{pk}/share/", {"network": "x"}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 404


@pytest.mark.parametrize("pk", ["0", str(ID_MAX + 1), "9" * 30])
def test_the_admins_own_id_routes_refuse_out_of_range_ids(article, pk):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="chief", is_superuser=True))
    for route in ["/admin/articles/article/{}/preview/", "/admin/articles/article/{}/revisions/diff/",
                  "/admin/articles/article/review/{}/approve/"]:
        # Not the view: the admin's catch-all sends the path to "no such object" (302) or it does not match (404).
        assert client.get(route.format(pk)).status_code in (302, 404), route


def test_good_slugs_and_ids_still_resolve(client, article):
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(reverse("articles:detail_short", kwargs={"pk": article.pk})).status_code == 301
    tag = article.tags.get()
    assert client.get(tag.get_absolute_url()).status_code == 200
    assert client.get(reverse("articles:tag_feed", kwargs={"slug": tag.slug})).status_code == 200
    assert client.get("/tags/比特币/").status_code == 301  # a Simplified slug still finds its tag
    assert client.get(article.source.get_absolute_url()).status_code == 200
    assert client.get(f"/articles/{article.pk:03d}/").status_code == 301  # leading zeros: the same article


def test_the_converters_bounds():
    ids, slugs = IdConverter(), UnicodeSlugConverter()
    assert ids.to_python(str(ID_MAX)) == ID_MAX
    for bad in ["0", str(ID_MAX + 1)]:
        with pytest.raises(ValueError):
            ids.to_python(bad)
    assert slugs.to_python("gpt-4") == "gpt-4"
    assert slugs.to_python("比特幣") == "比特幣"
    with pytest.raises(ValueError):
        slugs.to_python("a\u202eb")


def test_every_public_route_with_an_id_or_slug_uses_the_validating_converters():
    """A route added later with <int:...>, <str:...> or <slug:...> would let unvalidated values reach a query."""
    unvalidated = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            converters = getattr(pattern.pattern, "converters", {})
            for name, converter in converters.items():
                if not isinstance(converter, IdConverter | UnicodeSlugConverter) and name in ("pk", "slug"):
                    unvalidated.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    assert unvalidated == []


# --- admin change lists ---------------------------------------------------------------------

def test_every_registered_admin_uses_the_safe_change_list(rf):
    request = rf.get("/")
    for model, model_admin in admin.site._registry.items():
        assert issubclass(model_admin.get_changelist(request), SafeChangeList), model._meta.label


# The date hierarchy and the date filters, with values that parse but run past what datetime or the database holds.
HOSTILE_DATE_LOOKUPS = [
    "{f}__year=9999", "{f}__year=9999&{f}__month=12", "{f}__year=9999&{f}__month=12&{f}__day=31",
    "{f}__year=1", "{f}__year=1&{f}__month=1&{f}__day=1", "{f}__year=0", "{f}__year=-1", "{f}__year=99999",
    "{f}__year=2020&{f}__month=13", "{f}__year=2020&{f}__month=2&{f}__day=30", "{f}__year=" + "9" * 40,
    "{f}__gte=0001-01-01", "{f}__gte=9999-12-31", "{f}__lt=9999-12-31+23:59:59", "{f}__day=99999999999999999999",
    "{f}__year=x%00", "{f}__isnull=maybe",
]
CHANGE_LISTS = [
    ("/admin/articles/article/", "publish_at"),
    ("/admin/articles/importrun/", "started_at"),
    ("/admin/articles/backgroundjob/", "created_at"),
    ("/admin/auth/user/", "date_joined"),
]


@pytest.mark.parametrize(("changelist", "field"), CHANGE_LISTS)
def test_hostile_date_lookups_give_a_normal_page_never_a_500(article, changelist, field):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="chief", is_superuser=True))
    for lookup in HOSTILE_DATE_LOOKUPS:
        response = client.get(changelist + "?" + lookup.format(f=field))
        assert response.status_code in (200, 302, 400), (lookup, response.status_code)
        if response.status_code == 302:  # Django's own answer to a lookup it cannot use: the list, flagged
            assert response["Location"] == changelist + "?e=1"
    assert client.get(changelist + "?e=1").status_code == 200


def test_the_date_hierarchy_still_filters(article):
    client = Client()
    client.force_login(UserFactory(username="chief", is_superuser=True))
    year = article.publish_at.year
    assert "公開文章" in client.get(f"/admin/articles/article/?publish_at__year={year}").content.decode()
    assert "公開文章" not in client.get(f"/admin/articles/article/?publish_at__year={year - 1}").content.decode()


def test_hostile_list_parameters_never_give_a_500(article):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="chief", is_superuser=True))
    for lookup in ["q=%00", "q=a%00b", "title=a%00", "slug=%00", "id=" + "9" * 30, "id__gt=" + "9" * 30,
                   "status=%00", "source__id__exact=%00", "o=%00"]:
        for changelist in ["/admin/articles/article/", "/admin/articles/source/", "/admin/articles/tag/"]:
            assert client.get(changelist + "?" + lookup).status_code in (200, 302, 400), (changelist, lookup)
