"""Backups: ``backup_site`` then ``restore_site`` into an empty database brings back every article, image
and share count."""

import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles import services
from tests.factories import ArticleFactory, make_image

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import json, django
django.setup()
from pathlib import Path
from urllib.parse import quote
from django.conf import settings
from articles.models import Article, Image
print(json.dumps({
    "titles": sorted(Article.objects.values_list("title", flat=True)),
    "published": sorted(Article.objects.published().values_list("title", flat=True)),
    "images": [Path(settings.MEDIA_ROOT, name).read_bytes().hex()[:64] for name in
               Image.objects.order_by("pk").values_list("file", flat=True)],
    "shares": {a.title: a.share_total for a in Article.objects.all()},
}, ensure_ascii=False))
"""


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def empty_database(tmp_path):
    """The DATABASE_URL of a new, empty database of the same kind as the test database."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    yield f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)  # the backup is taken from committed rows, outside any test transaction
def test_backup_then_restore_into_an_empty_database_finds_everything(tmp_path, settings, empty_database):
    image = make_image(credit="由無界AI 生成", ai_generated=True)
    shared = services.article_publish(article=ArticleFactory(title="備份頭條", source=None, featured_image=image))
    ArticleFactory(title="備份草稿")
    for network in ("line", "line", "x"):
        services.share_record(article_id=shared.pk, network=network)

    call_command("backup_site", output=str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"articles": 2, "images": 1, "share_rows": 2, "share_total": 3}
    with tarfile.open(folder / "media.tar.gz") as archive:
        assert f"media/{image.file.name}" in archive.getnames()

    empty = {"DATABASE_URL": empty_database, "MEDIA_ROOT": str(tmp_path / "media")}
    refused = run(["manage.py", "restore_site", str(folder)], empty)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    restored = run(["manage.py", "restore_site", str(folder), "--yes"], empty)
    assert restored.returncode == 0, restored.stdout + restored.stderr

    if connection.vendor == "sqlite":  # the restored database is as private as one the site creates
        assert mode(tmp_path / "restored.sqlite3") == 0o600

    found = json.loads(run(["-c", CHECK], {**empty, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}).stdout)
    assert found["titles"] == ["備份草稿", "備份頭條"]
    assert found["published"] == ["備份頭條"]
    assert found["images"] == [image.file.open("rb").read().hex()[:64]]
    assert found["shares"] == {"備份頭條": 3, "備份草稿": 0}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The usual umask (022), under which files are created world-readable unless their creator says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.django_db(transaction=True)
def test_backups_are_private_files_in_private_folders(tmp_path, settings, open_umask):
    """A backup holds password hashes and sessions: 0600 files in 0700 folders, BACKUP_DIR included."""
    settings.BACKUP_DIR = tmp_path / "site" / "backups"
    services.article_publish(article=ArticleFactory(title="備份頭條", source=None, featured_image=make_image()))
    call_command("backup_site")
    assert mode(tmp_path / "site") == 0o700 and mode(tmp_path / "site" / "backups") == 0o700
    (folder,) = settings.BACKUP_DIR.iterdir()
    assert mode(folder) == 0o700
    files = sorted(folder.iterdir())
    assert {path.name for path in files} >= {"manifest.json", "media.tar.gz"}
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}


def test_restore_refuses_a_missing_backup_and_unsafe_archives(tmp_path, db):
    with pytest.raises(CommandError, match="讀不到備份資訊"):
        call_command("restore_site", str(tmp_path / "nowhere"), yes=True)
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"vendor": "elsewhere", "database": "x", "media": "m"}))
    with pytest.raises(CommandError, match="備份來自 elsewhere"):
        call_command("restore_site", str(folder), yes=True)


@pytest.mark.parametrize("name", ["media/../../escaped.txt", "/etc/escaped.txt", "elsewhere/file.txt"])
def test_media_archives_cannot_write_outside_media_root(tmp_path, settings, name):
    import io

    from articles.management.commands.restore_site import Command

    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive_path = tmp_path / "media.tar.gz"
    with tarfile.open(archive_path, "w:gz") as archive:
        info = tarfile.TarInfo(name)
        info.size = 4
        archive.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="不安全的路徑"):
        Command._restore_media(archive_path)
    assert not any(tmp_path.rglob("escaped.txt"))
