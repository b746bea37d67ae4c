"""The editors' admin with hostile values: the login form, every add and change form, changelist filters,
search and ordering, bulk actions and the custom article views — as an editor and as a writer. Never a 500."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.factories import UserFactory
from tests.fuzz import client as wire
from tests.fuzz.forms import form_fields
from tests.fuzz.strategies import (
    STRANGE_NUMBERS,
    few_words,
    fuzz_settings,
    hostile_number,
    hostile_text,
    hostile_value,
    path_segments,
    percent,
    search_text,
    typed_text,
)

PASSWORD = "correct horse battery staple"
ROLES = ["editor", "writer"]


@pytest.fixture
def staff(world):
    """An editor's and a writer's logged-in browsers."""
    clients = {}
    for role in ROLES:
        client = Client()
        client.force_login(UserFactory(username=f"fuzz-{role}", groups=[f"{role}s"]))
        clients[role] = client
    return clients


def admin_models() -> list[str]:
    return sorted(f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry
                  if m._meta.app_label == "articles")


def ok(response, allowed=(200, 302, 400, 403, 404, 405, 429)) -> None:
    if response is not None:
        assert response.status_code in allowed, response.status_code


# --- the login form -------------------------------------------------------------------------------

@fuzz_settings(60)
@given(username=st.one_of(st.sampled_from(["editor", "EDITOR", "ｅｄｉｔｏｒ", "editor\x00", " editor "]),
                          hostile_text),
       password=st.one_of(st.just(PASSWORD), hostile_text), next_=hostile_value,
       extra=st.lists(st.tuples(hostile_text, hostile_value), max_size=3))
def test_the_login_form(login_user, username, password, next_, extra):
    anonymous = Client()
    ok(wire.get(anonymous, "/admin/login/", [("next", next_)]))
    response = wire.post(anonymous, "/admin/login/",
                         [("username", username), ("password", password), ("next", next_), *extra])
    ok(response)
    if response is not None and response.status_code == 302:
        location = response["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


# --- changelists: search, filters, ordering, pages ------------------------------------------------

FILTERS = ["q", "status", "status__exact", "publish_at__year", "publish_at__month", "publish_at__day",
           "publish_at__gte", "publish_at__lt", "o", "p", "e", "all", "upstream", "language", "language__exact",
           "source", "source__id__exact", "source__exact", "kind__exact", "reprint_permission__exact",
           "active__exact", "ai_generated__exact", "format__exact", "started_at__gte", "started_at__year",
           "state", "_popup", "_to_field", "_changelist_filters", "title__contains", "pk__in", "id__gt"]


@fuzz_settings(200)
@given(role=st.sampled_from(ROLES), model=st.sampled_from(admin_models()),
       params=st.lists(st.tuples(st.one_of(st.sampled_from(FILTERS), hostile_text), search_text),
                       min_size=1, max_size=5))
def test_changelists_with_hostile_filters(staff, role, model, params):
    ok(wire.get(staff[role], f"/admin/{model}/", params))


@fuzz_settings(120)
@given(role=st.sampled_from(ROLES), year=hostile_number, month=hostile_number, day=hostile_number,
       status=hostile_value, order=st.one_of(st.sampled_from(["1", "-1", "2.1", "-0", "99", "1.-2"]), hostile_value))
def test_article_list_date_hierarchy_status_and_ordering(staff, role, year, month, day, status, order):
    client = staff[role]
    ok(wire.get(client, "/admin/articles/article/", [("publish_at__year", year)]))
    ok(wire.get(client, "/admin/articles/article/", [("publish_at__year", year), ("publish_at__month", month),
                                                      ("publish_at__day", day)]))
    ok(wire.get(client, "/admin/articles/article/", [("status", status), ("o", order), ("q", status[:200])]))
    ok(wire.get(client, "/admin/articles/importrun/", [("started_at__year", year), ("started_at__month", month)]))


# --- add and change forms -------------------------------------------------------------------------

FORMS = ["articles/article", "articles/source", "articles/tag", "articles/glossaryterm", "articles/image"]


def _form_url(world, model: str, change: bool) -> str:
    if not change:
        return f"/admin/{model}/add/"
    from articles.models import GlossaryTerm, Tag

    pk = {"articles/article": world["article"].pk, "articles/source": world["source"].pk,
          "articles/image": world["image"].pk, "articles/tag": Tag.objects.order_by("pk").first().pk}.get(model)
    if pk is None:
        pk = GlossaryTerm.objects.get_or_create(simplified="数据库", defaults={"traditional": "資料庫"})[0].pk
    return f"/admin/{model}/{pk}/change/"


@fuzz_settings(150)
@given(role=st.sampled_from(ROLES), model=st.sampled_from(FORMS), change=st.booleans(), data=st.data())
def test_add_and_change_forms_with_hostile_values(world, staff, role, model, change, data):
    client = staff[role]
    url = _form_url(world, model, change)
    page = client.get(url)
    if page.status_code != 200:  # a writer may not add this kind of thing: nothing to fill in
        ok(wire.post(client, url, [("name", "x")]))
        return
    fields, _files = form_fields(page.content.decode())
    names = [name for name, _ in fields if name != "csrfmiddlewaretoken"]
    if not names:  # a read-only page (a writer looking at a source): the post must still be refused cleanly
        names = ["name"]
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True), "fields")
    hostile = {name: data.draw(hostile_value, name) for name in chosen}
    posted = [(name, hostile.get(name, value)) for name, value in fields]
    posted += data.draw(st.lists(st.tuples(hostile_text, hostile_value), max_size=2), "extra fields")
    button = data.draw(st.sampled_from(["_save", "_continue", "_addanother", "_saveasnew"]), "button")
    ok(wire.post(client, url, [*posted, (button, "1")]))


IMAGE_HEADS = [b"\x89PNG\r\n\x1a\n", b"GIF89a", b"GIF87a", b"\xff\xd8\xff\xe0", b"RIFF\x00\x00\x00\x00WEBPVP8 ",
               b"\x00\x00\x00\x1cftypavif", b"<svg xmlns='http://www.w3.org/2000/svg'>", b"%PDF-1.4", b"II*\x00",
               b"BM", b"8BPS", b""]
file_names = st.one_of(st.sampled_from(["a.jpg", "a.png", "a.gif", "a.webp", "a.avif", "a.svg", "a.jpg.php",
                                        ".jpg", "a", "con.jpg", "../../a.jpg", "a\x00.jpg", "圖片.JPG",
                                        "a" * 300 + ".png", "\u202egpj.exe"]),
                       typed_text.map(lambda s: s[:200] + ".jpg"))


@fuzz_settings(80)
@given(role=st.sampled_from(ROLES), head=st.sampled_from(IMAGE_HEADS), tail=st.binary(max_size=600),
       name=file_names, alt=typed_text, credit=typed_text, focal=st.sampled_from(STRANGE_NUMBERS),
       target=st.sampled_from(["image", "logo"]))
def test_image_and_logo_uploads_with_hostile_files(world, staff, role, head, tail, name, alt, credit, focal, target):
    client = staff[role]
    upload = SimpleUploadedFile(name.replace("\x00", "") or "x", head + tail)
    if target == "image":
        url = "/admin/articles/image/add/"
        data = {"file": upload, "alt_text": alt, "credit": credit, "caption": alt, "focal_x": focal,
                "focal_y": "0.5"}
    else:
        url = "/admin/articles/source/add/"
        data = {"logo": upload, "name": credit or "來源", "slug": "", "kind": "publisher",
                "reprint_permission": "none", "homepage": "", "feed_url": ""}
    from django.core.cache import cache
    from django.db import transaction

    cache.clear()
    try:
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
    except Exception as exc:
        raise wire.ServerError(f"unhandled {type(exc).__name__}: {exc}\n  request: POST {url} "
                               f"file {name!r} {(head + tail)[:80]!r}") from exc
    ok(response)


# --- object ids in admin paths, bulk actions, the custom article views ---------------------------

@fuzz_settings(150)
@given(role=st.sampled_from(ROLES), model=st.sampled_from(admin_models()),
       pk=st.one_of(path_segments(), st.sampled_from(STRANGE_NUMBERS).map(percent)),
       view=st.sampled_from(["change/", "delete/", "history/", "", "preview/", "revisions/diff/",
                             "revisions/1/restore/"]))
def test_admin_object_ids_in_paths(staff, role, model, pk, view):
    ok(wire.get(staff[role], f"/admin/{model}/{pk}/{view}"))


@fuzz_settings(120)
@given(role=st.sampled_from(ROLES), model=st.sampled_from(admin_models()),
       action=st.one_of(st.sampled_from(["action_publish", "action_unpublish", "action_submit_for_review",
                                         "action_dismiss_upstream", "delete_selected",
                                         "action_reconvert_articles"]), hostile_text),
       selected=st.lists(st.one_of(st.sampled_from(STRANGE_NUMBERS), hostile_value), max_size=4),
       index=hostile_value, select_across=st.sampled_from(["0", "1", "", "x"]))
def test_bulk_actions_with_hostile_selections(world, staff, role, model, action, selected, index, select_across):
    fields = [("action", action), ("index", index), ("select_across", select_across), ("post", "yes")]
    fields += [("_selected_action", value) for value in [str(world["article"].pk), *selected]]
    ok(wire.post(staff[role], f"/admin/{model}/", fields))


@fuzz_settings(120)
@given(role=st.sampled_from(ROLES), days=hostile_value, first=hostile_number, second=hostile_number,
       comment=hostile_text, term=hostile_value, field=st.sampled_from(["source", "original_source",
                                                                        "featured_image", "related", hostile_text]))
def test_custom_article_views(world, staff, role, days, first, second, comment, term, field):
    assume(few_words(term) and few_words(comment))
    client = staff[role]
    pk = world["article"].pk
    draft = world["draft"].pk
    ok(wire.get(client, "/admin/articles/article/most-shared/", [("days", days)]))
    ok(wire.get(client, f"/admin/articles/article/{pk}/revisions/diff/", [("from", first), ("to", second)]))
    ok(wire.get(client, "/admin/articles/article/review/", [("q", comment), ("p", first)]))
    ok(wire.post(client, f"/admin/articles/article/review/{draft}/send-back/", [("comment", comment)]))
    ok(wire.post(client, f"/admin/articles/article/review/{draft}/approve/", [("comment", comment)]))
    ok(wire.get(client, f"/admin/articles/article/{pk}/preview/", [("lang", term)]))
    field_name = field if isinstance(field, str) else str(field)
    ok(wire.get(client, "/admin/autocomplete/", [("term", term), ("app_label", "articles"),
                                                 ("model_name", "article"), ("field_name", field_name),
                                                 ("page", first)]))
