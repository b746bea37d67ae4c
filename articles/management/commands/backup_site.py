"""Back up the whole site: the database and every uploaded file, into ``BACKUP_DIR/<timestamp>/``.

SQLite is copied with SQLite's online backup API (a consistent snapshot even while the site is
writing, unlike copying the file); PostgreSQL with ``pg_dump --format=custom``. MEDIA_ROOT goes into
``media.tar.gz``. ``manifest.json`` records what was saved and how many articles, images and share
rows the database held, so ``restore_site`` can check that a restore is complete.

A backup holds password hashes and sessions: every file is created private (0600) before anything is written to
it, inside folders only the site's user can enter (0700), whatever the umask.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path: Path) -> None:
    """Create ``path`` (and any missing parents) with mode 0700; an existing one is left as the operator set it,
    except the backup's own folder, which must not exist yet."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_FOLDER)
            folder.chmod(PRIVATE_FOLDER)  # mkdir's mode is reduced by the umask; never widened, but be exact


def private_file(path: Path) -> Path:
    """Create the empty file ``path`` with mode 0600 (refusing one that exists), for a writer that then opens it."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    return path


def content_counts() -> dict[str, int]:
    """What a restore must bring back, counted the same way on both sides."""
    from articles.models import Article, Image, ShareCount

    return {
        "articles": Article.objects.count(),
        "images": Image.objects.count(),
        "share_rows": ShareCount.objects.count(),
        "share_total": sum(ShareCount.objects.values_list("count", flat=True)),
    }


def postgres_env(db: dict) -> dict[str, str]:
    """libpq's environment for ``pg_dump``/``pg_restore``: the password never appears on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                      ("NAME", "PGDATABASE")):
        if db.get(key):
            env[name] = str(db[key])
    return env


class Command(BaseCommand):
    help = "備份資料庫與所有上傳檔案到 BACKUP_DIR/<時間>/（SQLite 線上備份或 pg_dump，加上媒體檔 tar）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="備份的上層資料夾（預設為 BACKUP_DIR）。")
        parser.add_argument("--dry-run", action="store_true", help="只顯示會備份什麼，不寫入任何檔案。")

    def handle(self, *args, output: str | None = None, dry_run: bool = False, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
        target = Path(output or settings.BACKUP_DIR) / stamp
        counts = content_counts()
        if dry_run:
            self.stdout.write(f"會備份 {connection.vendor} 資料庫與 {settings.MEDIA_ROOT} 到 {target}：{counts}")
            return
        if target.exists():
            raise CommandError(f"備份資料夾已存在：{target}")
        private_folder(target)
        if connection.vendor == "sqlite":
            database_file = self._backup_sqlite(target / SQLITE_FILE)
        elif connection.vendor == "postgresql":
            database_file = self._backup_postgres(target / POSTGRES_FILE)
        else:
            raise CommandError(f"不支援的資料庫：{connection.vendor}")
        self._backup_media(target / MEDIA_FILE)
        manifest = {
            "created": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": database_file,
            "media": MEDIA_FILE,
            "counts": counts,
        }
        private_file(target / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                                        encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"backup {target}"))
        self.stdout.write(json.dumps(counts, ensure_ascii=False))

    @staticmethod
    def _backup_sqlite(path: Path) -> str:
        connection.ensure_connection()
        destination = sqlite3.connect(private_file(path))  # SQLite gives its journal the same mode
        try:
            # Copies a consistent snapshot page by page while other connections keep writing.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return path.name

    @staticmethod
    def _backup_postgres(path: Path) -> str:
        db = connection.settings_dict
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            # pg_dump truncates and writes the private file made here, keeping its mode.
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={private_file(path)}"],  # noqa: S607
            env=postgres_env(db), capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump 失敗：{result.stderr.strip()}")
        return path.name

    @staticmethod
    def _backup_media(path: Path) -> None:
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(private_file(path), "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname="media")
