"""A newcomer's first `make run` shows the real site (issue 17 item 6).

`make run` serves with production settings on this machine: the settings it passes are read from the Makefile itself
(`make run-env`) and a Django process is started with exactly those, so what is tested here is what `make run` serves.
"""

import io
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from articles import services
from articles.demo import DEMO_PASSWORD, ensure_demo_accounts
from articles.models import Article, Source, Tag
from tests.factories import ArticleFactory, SourceFactory, make_image

ROOT = Path(__file__).resolve().parent.parent
# What the test run sets and a newcomer's shell would not have.
NOT_IN_A_NEW_SHELL = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "PLAIN_STATIC", "SECURE_SSL_REDIRECT", "SECURE_COOKIES",
                      "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def newcomer_env(**extra) -> dict:
    return {**{k: v for k, v in os.environ.items() if k not in NOT_IN_A_NEW_SHELL}, **extra}


def make_run_env(key_file: Path, **extra) -> dict:
    """The settings `make run` passes to migrate, collectstatic, load_demo, gunicorn and the job worker."""
    result = subprocess.run(["make", "-s", "run-env", f"SECRET_KEY_FILE={key_file}", f"PY={sys.executable}"],
                            cwd=ROOT, env=newcomer_env(**extra), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    pairs = [line.split("=", 1) for line in result.stdout.splitlines() if "=" in line]
    return dict(pairs)


# --- make run's settings -----------------------------------------------------------------------------------------

def test_make_run_passes_production_settings_and_a_key_generated_once(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    first = make_run_env(key_file)
    assert first["DEBUG"] == "0"
    assert first["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert first["PLAIN_STATIC"] == "0"  # WhiteNoise's hashed, compressed files, as collected
    assert first["SECURE_SSL_REDIRECT"] == "0"  # plain http on loopback
    assert len(first["SECRET_KEY"]) >= 50
    assert key_file.read_text().strip() == first["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Generated once: the next run (and every process of this one) uses the same key.
    assert make_run_env(key_file)["SECRET_KEY"] == first["SECRET_KEY"]


def test_make_run_uses_a_secret_key_from_the_environment_and_writes_none(tmp_path):
    key_file = tmp_path / "var" / "secret_key"
    assert make_run_env(key_file, SECRET_KEY="k" * 60)["SECRET_KEY"] == "k" * 60
    assert not key_file.exists()


def dry_run(target: str, key_file: Path) -> list[str]:
    """The commands `make <target>` would run (nothing is run; the virtualenv is taken as installed)."""
    result = subprocess.run(["make", "-n", "-o", ".venv/.installed", target, f"SECRET_KEY_FILE={key_file}"],
                            cwd=ROOT, env=newcomer_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_every_command_of_make_run_gets_those_settings_and_make_dev_gets_debug(tmp_path):
    key_file = tmp_path / "secret_key"
    prefix = (f'DEBUG=0 SECRET_KEY="$(cat {key_file})" ALLOWED_HOSTS=127.0.0.1,localhost PLAIN_STATIC=0 '
              "SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 ")
    run = dry_run("run", key_file)
    for command in ("manage.py migrate", "manage.py collectstatic", "manage.py load_demo --if-empty --accounts",
                    "manage.py render_pages", "manage.py run_tasks --forever", "gunicorn newsroom.wsgi"):
        lines = [line for line in run if command in line]
        assert lines and all(line.lstrip().startswith(prefix) for line in lines), (command, lines)
    assert run.index(next(line for line in run if "collectstatic" in line)) < run.index(
        next(line for line in run if "render_pages" in line))  # pages are rendered with the collected files
    dev = dry_run("dev", key_file)
    gunicorn = [line for line in dev if "gunicorn newsroom.wsgi" in line]
    assert gunicorn and gunicorn[0].lstrip().startswith("DEBUG=1 GUNICORN_BIND=")
    assert any(line.strip() == "DEBUG=1 .venv/bin/python manage.py load_demo --if-empty" for line in dev)


def test_the_secret_key_file_is_git_ignored():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT, capture_output=True,
                            timeout=30)
    assert result.returncode == 0


def test_production_without_make_run_still_refuses_to_start():
    """make run passes its settings explicitly; settings.py keeps refusing a half-configured deploy."""
    env = newcomer_env(DJANGO_SETTINGS_MODULE="newsroom.settings", ALLOWED_HOSTS="news.example.com")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


SERVE_SCRIPT = textwrap.dedent("""
    import json, django
    django.setup()
    from django.conf import settings
    from django.test import Client
    client = Client(HTTP_HOST="127.0.0.1:8000", raise_request_exception=False)
    out = {"debug": settings.DEBUG}
    for name, url in [("missing", "/no-such-page/"), ("missing_article", "/articles/999999/"),
                      ("favicon", "/favicon.ico"), ("manifest", "/manifest.webmanifest"),
                      ("other_host", None)]:
        response = (client.get(url) if url else Client(HTTP_HOST="evil.example").get("/no-such-page/"))
        body = b"".join(response) if response.streaming else response.content
        out[name] = {"status": response.status_code, "type": response.get("Content-Type", ""),
                     "body": body.decode("utf-8", "replace")[:20000]}
    print("RESULT" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def make_run_site(tmp_path_factory):
    """A process with exactly make run's settings, its static files collected as make run collects them, and a
    database with no tables (so any view that reads the database fails: the 500 page)."""
    folder = tmp_path_factory.mktemp("make-run")
    env = newcomer_env(**make_run_env(folder / "secret_key"), DJANGO_SETTINGS_MODULE="newsroom.settings",
                       STATIC_ROOT=str(folder / "static"), CACHE_DIR=str(folder / "cache"),
                       MEDIA_ROOT=str(folder / "media"), DATABASE_URL=f"sqlite:///{folder / 'empty.sqlite3'}")
    env.pop("REDIS_URL", None)
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stderr
    served = subprocess.run([sys.executable, "-c", SERVE_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    lines = [line for line in served.stdout.splitlines() if line.startswith("RESULT")]
    assert lines, served.stdout + served.stderr
    return json.loads(lines[0][len("RESULT"):])


DEBUG_PAGE_MARKS = ("Using the URLconf", "technical_404", "Traceback", "Exception Value", "DEBUG = True",
                    "Request Method:", "django.urls.exceptions")


def test_make_run_serves_with_debug_off(make_run_site):
    assert make_run_site["debug"] is False


def test_make_run_answers_a_wrong_address_with_the_sites_own_404(make_run_site):
    missing = make_run_site["missing"]
    assert missing["status"] == 404
    assert "找不到這個頁面" in missing["body"] and "回到首頁" in missing["body"]
    assert not [mark for mark in DEBUG_PAGE_MARKS if mark in missing["body"]]
    # The real page, styled by the collected, hashed stylesheet (WhiteNoise's manifest).
    assert '<link rel="stylesheet" href="/static/css/site.' in missing["body"]
    assert 'href="/static/css/site.css"' not in missing["body"]


def test_make_run_answers_a_server_error_with_the_sites_own_500(make_run_site):
    broken = make_run_site["missing_article"]  # the database has no tables: the view fails
    assert broken["status"] == 500
    assert "伺服器發生錯誤" in broken["body"]
    assert not [mark for mark in DEBUG_PAGE_MARKS if mark in broken["body"]]


def test_make_run_refuses_other_hosts_without_a_debug_page(make_run_site):
    other = make_run_site["other_host"]
    assert other["status"] == 400
    assert not [mark for mark in DEBUG_PAGE_MARKS if mark in other["body"]]


def test_make_run_serves_the_favicon_and_the_manifest(make_run_site):
    assert make_run_site["favicon"]["status"] == 200
    assert make_run_site["favicon"]["type"] == "image/x-icon"
    assert make_run_site["manifest"]["status"] == 200
    assert make_run_site["manifest"]["type"].startswith("application/manifest+json")


# --- the site's own pages with DEBUG off (the test run's settings) -----------------------------------------------

@pytest.mark.django_db
def test_the_first_404_is_the_sites_own_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到這個頁面" in html and 'class="site-header"' in html
    assert "Using the URLconf" not in html


@pytest.mark.django_db
def test_favicon_and_manifest_answer_and_every_page_links_them(client):
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon["Content-Type"] == "image/x-icon"
    assert b"".join(favicon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"].startswith("application/manifest+json")
    data = json.loads(b"".join(manifest.streaming_content))
    assert data["name"] and data["start_url"] == "/" and data["display"] == "standalone"
    sizes = set()
    for icon in data["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response["Content-Type"] == icon["type"], icon["src"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    for url in ("/", "/zh-hans/", reverse("articles:search"), "/no-such-page/"):
        html = client.get(url).content.decode()
        assert '<link rel="icon" href="/favicon.ico"' in html, url
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html, url


# --- search, tag and source pages --------------------------------------------------------------------------------

@pytest.fixture
def chain_articles(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(name="區塊鏈日報", slug="chain-daily", reprint_permission="public")
        published = [services.article_publish(article=ArticleFactory(
            title=f"區塊鏈週報第{n}期", body="<p>交易所加強資產證明。</p>", source=source, tags=["區塊鏈"]))
            for n in range(3)]
        services.article_save(article=ArticleFactory(title="區塊鏈草稿", source=source, tags=["區塊鏈"]))
    return published


@pytest.mark.django_db
def test_search_shows_how_many_articles_it_found(client, chain_articles):
    search = reverse("articles:search")  # before a Simplified request leaves its language active in this thread
    html = client.get(search, {"q": "區塊鏈"}).content.decode()
    assert 'data-result-count="3"' in html and "找到 3 篇與「區塊鏈」相關的文章" in html  # the draft is not counted
    none = client.get(search, {"q": "天氣預報"}).content.decode()
    assert 'data-result-count="0"' in none and "找不到與「天氣預報」相關的文章" in none
    hans = client.get("/zh-hans" + search, {"q": "区块链"}).content.decode()
    assert "找到 3 篇与「区块链」相关的文章" in hans


@pytest.mark.django_db
def test_search_count_holds_across_pages(client, settings, chain_articles):
    settings.ARTICLES_PER_PAGE = 2
    second = client.get(reverse("articles:search"), {"q": "區塊鏈", "page": "2"}).content.decode()
    assert 'data-result-count="3"' in second and second.count('class="search-result"') == 1


@pytest.mark.django_db
def test_tag_page_has_a_description_its_count_and_its_feed(client, chain_articles):
    tag = Tag.objects.get(name="區塊鏈")
    response = client.get(tag.get_absolute_url())
    html = response.content.decode()
    assert 'data-list-count="3"' in html and "共 3 篇文章" in html  # published only
    assert "所有標記「區塊鏈」的文章" in html
    feed = reverse("articles:tag_feed", kwargs={"slug": tag.slug})
    assert f'<a class="feed-link" href="{feed}"' in html
    assert f'<link rel="alternate" type="application/rss+xml" title="新聞室 · 區塊鏈" href="{feed}">' in html
    assert client.get(feed).status_code == 200
    hans = client.get("/zh-hans" + tag.get_absolute_url()).content.decode()
    assert "共 3 篇文章" in hans and "所有标记「区块链」的文章" in hans and 'href="/zh-hans' + feed in hans


@pytest.mark.django_db
def test_source_page_has_a_description_its_count_and_its_feed(client, chain_articles):
    source = Source.objects.get(slug="chain-daily")
    html = client.get(source.get_absolute_url()).content.decode()
    assert 'data-list-count="3"' in html
    assert "編譯自「區塊鏈日報」的文章" in html
    feed = reverse("articles:source_feed", kwargs={"slug": source.slug})
    assert f'<a class="feed-link" href="{feed}"' in html
    assert client.get(feed).status_code == 200


@pytest.mark.django_db
def test_an_own_source_page_is_not_described_as_compiled(client):
    own = SourceFactory(name="新聞室", slug="newsroom", kind="own", reprint_permission="own")
    services.article_publish(article=ArticleFactory(source=own))
    html = client.get(own.get_absolute_url()).content.decode()
    assert "新聞室自己採訪、撰寫的報導" in html and "編譯自" not in html and 'data-list-count="1"' in html


@pytest.mark.django_db
def test_list_counts_stop_at_the_cap_and_follow_the_common_tag_plan(client, settings, monkeypatch, chain_articles):
    from articles.selectors import public

    settings.PAGE_CACHE_SECONDS = 0  # each request renders: the cap below must be seen

    tag = Tag.objects.get(name="區塊鏈")
    monkeypatch.setattr(public, "COMMON_TAG_ARTICLES", 1)  # the plan for common tags (an EXISTS per article)
    assert 'data-list-count="3"' in client.get(tag.get_absolute_url()).content.decode()
    monkeypatch.setattr(public, "LIST_COUNT_CAP", 2)
    html = client.get(tag.get_absolute_url()).content.decode()
    assert 'data-list-count="2"' in html and "2 篇以上" in html


@pytest.mark.django_db
def test_an_empty_tag_page_counts_none(client):
    ArticleFactory(tags=["冷門話題"])  # a draft
    html = client.get(Tag.objects.get(name="冷門話題").get_absolute_url()).content.decode()
    assert 'data-list-count="0"' in html


# --- credits and attribution -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_credit_that_carries_its_own_label_is_not_labelled_twice(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_publish(article=ArticleFactory(
            featured_image=make_image(credit="圖片來源：開放科技評論")))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "圖片來源：開放科技評論" in html and "圖片來源：圖片來源" not in html
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "圖片來源：開放科技評論" in feed and "圖片來源：圖片來源" not in feed


@pytest.mark.django_db
def test_the_sites_own_story_has_no_compiled_from_line(client, django_capture_on_commit_callbacks):
    own = SourceFactory(name="新聞室", kind="own", reprint_permission="own", copyright_notice="版權歸新聞室所有。")
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_publish(article=ArticleFactory(source=own))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "data-compiled-from" not in html and "編譯自" not in html
    assert "版權歸新聞室所有。" in html  # the attribution block still carries the copyright notice
    feed = client.get(reverse("articles:feed")).content.decode()
    assert "編譯自" not in feed


# --- demo accounts -----------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_demo_editor_is_an_editor_not_a_superuser():
    assert ensure_demo_accounts() == ["editor", "writer"]
    editor, writer = User.objects.get(username="editor"), User.objects.get(username="writer")
    assert not editor.is_superuser and editor.is_staff and list(editor.groups.values_list("name", flat=True)) == [
        "editors"]
    assert not writer.is_superuser and list(writer.groups.values_list("name", flat=True)) == ["writers"]
    assert editor.has_perm("articles.change_article") and not editor.has_perm("auth.change_user")
    assert not User.objects.filter(username="admin").exists()  # the operators' account only when asked


@pytest.mark.django_db
def test_an_older_superuser_demo_editor_becomes_an_editor():
    User.objects.create_superuser(username="editor", password=DEMO_PASSWORD, email="")
    ensure_demo_accounts()
    editor = User.objects.get(username="editor")
    assert not editor.is_superuser and editor.groups.filter(name="editors").exists()


@pytest.mark.django_db
def test_a_real_superuser_named_editor_is_left_alone():
    User.objects.create_superuser(username="editor", password="a-real-operator-password-9", email="")
    ensure_demo_accounts()
    assert User.objects.get(username="editor").is_superuser


def run_load_demo(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", "--if-empty", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_accounts_for_make_run_and_an_admin_only_when_asked(settings):
    settings.DEBUG = False
    ArticleFactory()  # a site with articles: --if-empty skips the content, the accounts are still seen to
    out = run_load_demo("--accounts")
    assert f"editor / {DEMO_PASSWORD}" in out
    assert set(User.objects.values_list("username", flat=True)) == {"editor", "writer"}
    assert not User.objects.filter(is_superuser=True).exists()
    out = run_load_demo("--admin")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and not admin.check_password(DEMO_PASSWORD)  # a generated password, shown once
    password = out.split("營運帳號：admin / ")[1].split("（")[0]
    assert admin.check_password(password)
    assert "已存在" in run_load_demo("--admin")


@pytest.mark.django_db
def test_load_demo_in_debug_makes_the_admin_too(settings):
    settings.DEBUG = True
    ArticleFactory()
    out = run_load_demo()
    assert f"營運帳號：admin / {DEMO_PASSWORD}" in out
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="editor").is_superuser


# --- the demo site as a reader sees it ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_no_demo_page_doubles_a_credit_or_says_the_site_compiled_itself(client, settings):
    settings.DEBUG = False
    call_command("load_demo", stdout=io.StringIO())
    doubled = ("圖片來源：圖片來源", "图片来源：图片来源", "圖片來源：图片来源", "图片来源：圖片來源")
    self_compiled = ("由新聞室編譯自新聞室", "由新闻室编译自新闻室")
    published = list(Article.objects.published().select_related("source"))
    assert len(published) >= 20
    urls = ["/", reverse("articles:feed")]
    article_urls = [(article, article.get_absolute_url()) for article in published]
    urls += [url for _article, url in article_urls]
    urls += [source.get_absolute_url() for source in Source.objects.filter(articles__in=published).distinct()]
    urls += [tag.get_absolute_url() for tag in Tag.objects.filter(tagged_articles__content_object__in=published)
             .distinct().order_by("name")[:10]]
    checked_own = checked_compiled = 0
    for url in urls:
        for prefix in ("", "/zh-hans"):
            response = client.get(prefix + url)
            assert response.status_code == 200, prefix + url
            html = response.content.decode()
            assert not [text for text in doubled + self_compiled if text in html], prefix + url
    for article, url in article_urls:
        html = client.get(url).content.decode()
        if article.source.reprint_permission == "own":
            assert "data-compiled-from" not in html, article.title
            checked_own += 1
        else:
            assert "data-compiled-from" in html, article.title
            checked_compiled += 1
    assert checked_own and checked_compiled
