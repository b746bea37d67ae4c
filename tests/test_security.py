"""Secure defaults: CSP and Permissions-Policy everywhere (cached pages too), uploads never rendered as pages,
admin logins throttled, files with secrets private, proxies believed only when configured."""

import contextlib
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles import services
from tests.factories import ArticleFactory, UserFactory, make_image

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture
def article(db):
    return services.article_publish(article=ArticleFactory(title="安全測試文章", source=None))


def assert_secure_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # Bodies may embed the outlets' https pictures; images cannot run script.
    assert "img-src 'self' data: https:" in csp
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/zh-hans/", "/search/?q=測試", "/feed/", "/robots.txt", "/no-such-page/"])
def test_public_responses_carry_the_security_headers(client, article, path):
    assert_secure_headers(client.get(path))


def test_page_cache_hits_replay_the_security_headers(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get(article.get_absolute_url())  # stamps what it shows
    time.sleep(0.01)
    client.get(article.get_absolute_url())  # stored
    time.sleep(0.01)
    second = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert_secure_headers(second)
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_the_admin_carries_the_policy_and_still_renders(client, editor_client):
    login = client.get(reverse("admin:login"))
    assert login.status_code == 200
    assert_secure_headers(login)
    # The admin's own style attributes need inline styles; scripts stay 'self' only.
    assert "style-src 'self' 'unsafe-inline'" in login["Content-Security-Policy"]
    index = editor_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert_secure_headers(index)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)


def test_no_template_or_page_has_an_inline_script(client, article):
    """script-src 'self' would block an inline script: none may exist (JSON-LD is data, not run)."""
    for template in (ROOT / "templates").rglob("*.html"):
        assert not INLINE_SCRIPT.search(template.read_text(encoding="utf-8")), template
    html = client.get(article.get_absolute_url()).content.decode()
    assert "application/ld+json" in html
    assert not INLINE_SCRIPT.search(html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def test_admin_pages_have_no_inline_script(editor_client, article):
    for url in (reverse("admin:index"), reverse("admin:articles_article_add"),
                reverse("admin:articles_article_change", args=[article.pk]),
                reverse("admin:articles_article_changelist"), reverse("admin:articles_image_add")):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert not INLINE_SCRIPT.search(response.content.decode()), url


# --- uploaded media -------------------------------------------------------------------

def test_uploaded_images_are_served_inline_with_nosniff(client, db):
    image = make_image()
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["evil.html", "evil.htm", "evil.svg", "evil.xhtml", "evil", "evil.jpg.html"])
def test_an_uploaded_page_or_svg_is_never_served_as_a_document(client, db, name):
    folder = Path(settings.MEDIA_ROOT) / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = client.get(f"{settings.MEDIA_URL}hostile/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


# --- admin login throttling -----------------------------------------------------------

def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_admin_login_is_throttled_per_address_and_username(db, settings):
    settings.ADMIN_LOGIN_RATE_LIMIT = (10, 900)
    UserFactory(username="chief", is_superuser=True)
    attacker = Client()
    statuses = [login(attacker, "chief", "wrong password").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    refused = login(attacker, "chief", PASSWORD)  # even the right password: this address is locked out
    assert refused.status_code == 429
    assert "登入失敗次數過多" in refused.content.decode()
    assert refused["Retry-After"] == "900"
    assert "_auth_user_id" not in attacker.session
    # The real editor, from another address, still gets in.
    editor = Client()
    assert login(editor, "chief", PASSWORD, ip="10.0.0.2").status_code == 302
    assert editor.get(reverse("admin:index")).status_code == 200


def test_successful_logins_do_not_count_and_usernames_are_case_insensitive(db, settings):
    settings.ADMIN_LOGIN_RATE_LIMIT = (2, 900)
    UserFactory(username="chief", is_superuser=True)
    for _ in range(3):
        client = Client()
        assert login(client, "chief", PASSWORD).status_code == 302
    client = Client()
    assert login(client, "chief", "bad").status_code == 200
    assert login(client, "CHIEF", "bad").status_code == 200
    assert login(client, "Chief", "bad").status_code == 429


def test_many_usernames_from_one_address_hit_the_per_address_cap(db, settings):
    settings.ADMIN_LOGIN_RATE_LIMIT = (10, 900)
    settings.ADMIN_LOGIN_IP_RATE_LIMIT = 5
    client = Client()
    statuses = [login(client, f"user{i}", "bad").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize("variant", ["ｃｈｉｅｆ", "ＣＨＩＥＦ", " chief ", "Ｃhief", "ᶜhief"])
def test_throttle_counts_the_account_the_form_logs_in_not_its_spelling(db, settings, variant):
    """Django's login form normalises the username with NFKC, so full-width letters log in as the plain account;
    the throttle must count them on that account's counter, not start a fresh one."""
    settings.ADMIN_LOGIN_RATE_LIMIT = (2, 900)
    UserFactory(username="chief", is_superuser=True)
    assert login(Client(), variant.lower(), PASSWORD).status_code == 302  # the spelling does log in ...
    client = Client()
    assert login(client, "chief", "bad").status_code == 200
    assert login(client, "chief", "bad").status_code == 200
    refused = login(client, variant, PASSWORD)  # ... so it is refused with the account's spent counter
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_account_tried_from_many_addresses_hits_the_per_account_cap(db, settings):
    settings.ADMIN_LOGIN_RATE_LIMIT = (10, 900)
    settings.ADMIN_LOGIN_IP_RATE_LIMIT = 50
    settings.ADMIN_LOGIN_ACCOUNT_RATE_LIMIT = 5
    UserFactory(username="chief", is_superuser=True)
    statuses = [login(Client(), "chief", "bad", ip=f"10.0.1.{i}").status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    assert login(Client(), "Ｃｈｉｅｆ", PASSWORD, ip="10.0.2.1").status_code == 429  # any address, any spelling
    # Other accounts are not affected.
    UserFactory(username="desk", is_superuser=True)
    assert login(Client(), "desk", PASSWORD, ip="10.0.1.1").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_a_login_with_an_unsafe_or_empty_next_lands_on_the_admin_index(db, target):
    UserFactory(username="chief", is_superuser=True)
    client = Client()
    response = client.post(reverse("admin:login") + "?next=" + target,
                           {"username": "chief", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


# --- files the site writes --------------------------------------------------------------------

def file_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def open_umask():
    """The usual umask (022), under which a file is world-readable unless its creator says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A connection to the database file ``path`` opened by the site's SQLite backend, in WAL mode."""
    from django.db.utils import ConnectionHandler

    database = ConnectionHandler({"default": {"ENGINE": "newsroom.sqlite3", "NAME": str(path),
                                              "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}})["default"]
    return database.get_new_connection(database.get_connection_params())


def test_the_sqlite_database_is_created_private_with_its_wal_and_shm(tmp_path, open_umask):
    raw = open_sqlite(tmp_path / "db.sqlite3")
    raw.execute("CREATE TABLE secrets (hash TEXT)")
    raw.execute("INSERT INTO secrets VALUES ('pbkdf2_sha256$...')")
    raw.commit()
    files = {path.name: file_mode(path) for path in tmp_path.iterdir()}
    raw.close()
    assert files == {"db.sqlite3": 0o600, "db.sqlite3-wal": 0o600, "db.sqlite3-shm": 0o600}


def test_an_existing_world_readable_database_is_made_private_when_opened(tmp_path, open_umask):
    path = tmp_path / "db.sqlite3"
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA journal_mode=WAL")
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    path.chmod(0o644)
    assert file_mode(Path(f"{path}-wal")) == 0o644
    open_sqlite(path).close()
    assert file_mode(path) == 0o600
    assert file_mode(Path(f"{path}-wal")) == 0o600
    plain.close()


def test_manage_py_migrate_creates_a_private_database(tmp_path):
    """The default configuration end to end: the database `make run` creates is private."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "newsroom.settings", "CACHE_DIR": str(tmp_path / "cache")}
    env.pop("REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", "import os; os.umask(0o022); import django; django.setup(); "
                             "from django.core.management import call_command; call_command('migrate', verbosity=0)"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert file_mode(tmp_path / "db.sqlite3") == 0o600


def test_uploaded_media_stay_world_readable():
    """Public media are served by the web server (or a CDN) as the files themselves."""
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o644


# --- gunicorn and forwarded headers -----------------------------------------------------------

@contextlib.contextmanager
def gunicorn(tmp_path: Path, **env: str):
    """gunicorn with the project's gunicorn.conf.py, one worker on a free loopback port; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"DATABASE_URL", "REDIS_URL", "BEHIND_TLS_PROXY", "FORWARDED_ALLOW_IPS"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", "DEBUG": "1", "WEB_CONCURRENCY": "1",
                        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESSLOG": "",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CACHE_DIR": str(tmp_path / "cache"),
                        "PAGE_CACHE_SECONDS": "0", **env})
    gunicorn_bin = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen([gunicorn_bin, "-c", "gunicorn.conf.py", "newsroom.wsgi"], cwd=ROOT, env=environment,  # noqa: S603
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def scheme_seen(port: int, headers: dict[str, str]) -> str:
    """The scheme Django believed the request came with: robots.txt's absolute sitemap URL carries it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/robots.txt", headers={"Host": "localhost", **headers})
    body = connection.getresponse().read().decode()
    connection.close()
    return re.search(r"Sitemap: (\w+)://", body).group(1)


def test_gunicorn_believes_no_forwarded_scheme_unless_behind_a_tls_proxy(tmp_path):
    with gunicorn(tmp_path) as port:  # a request from loopback, as another local user or an SSRF would send it
        for header in ("X-Forwarded-Proto", "X-Forwarded-Protocol", "X-Forwarded-Ssl"):
            assert scheme_seen(port, {header: "https" if header == "X-Forwarded-Proto" else "on"}) == "http", header
        assert scheme_seen(port, {"X-Forwarded-Protocol": "ssl"}) == "http"


def test_behind_a_tls_proxy_only_x_forwarded_proto_says_https(tmp_path):
    with gunicorn(tmp_path, BEHIND_TLS_PROXY="1") as port:
        assert scheme_seen(port, {"X-Forwarded-Proto": "https"}) == "https"
        assert scheme_seen(port, {}) == "http"
        # Headers the proxy does not set (and so passes through from the client) say nothing.
        assert scheme_seen(port, {"X-Forwarded-Ssl": "on"}) == "http"
        assert scheme_seen(port, {"X-Forwarded-Protocol": "ssl"}) == "http"
