"""Restore a backup made by ``backup_site`` into this site's database and MEDIA_ROOT.

It replaces what is there: run it on an empty (or disposable) database, with the site stopped.
SQLite is restored with the online backup API into the configured file; PostgreSQL with
``pg_restore --clean --if-exists`` into the configured database. Files are unpacked into MEDIA_ROOT
(paths that would leave it are refused). Afterwards the counts are compared with the manifest and
the command fails if anything is missing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from articles.management.commands.backup_site import MANIFEST_FILE, content_counts, postgres_env
from newsroom.sqlite3.base import make_private

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "從 backup_site 的備份資料夾還原資料庫與媒體檔（會取代現有內容，需加 --yes）。"

    def add_arguments(self, parser):
        parser.add_argument("backup", help="backup_site 建立的資料夾，例如 backups/20260101T000000000000Z")
        parser.add_argument("--yes", action="store_true", help="確認要取代現有的資料庫與媒體檔。")
        parser.add_argument("--clear-cache", action="store_true",
                            help="還原後清空整個快取（Redis 會執行 FLUSHDB，若與其他服務共用同一個資料庫請勿使用）。")

    def handle(self, *args, backup: str, yes: bool = False, clear_cache: bool = False, **options):
        folder = Path(backup)
        try:
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"讀不到備份資訊 {folder / MANIFEST_FILE}：{exc}") from exc
        if manifest["vendor"] != connection.vendor:
            raise CommandError(f"備份來自 {manifest['vendor']}，目前的資料庫是 {connection.vendor}。")
        if not yes:
            raise CommandError("還原會取代現有的資料庫與媒體檔；確認後請加上 --yes 再執行。")
        database_file = folder / manifest["database"]
        if connection.vendor == "sqlite":
            self._restore_sqlite(database_file)
        else:
            self._restore_postgres(database_file)
        self._restore_media(folder / manifest["media"])
        if clear_cache:
            self._clear_cache()
        else:
            # Cached pages describe the old database; a new PAGE_CACHE_VERSION starts from an empty page cache.
            notice = "快取未清空：請以新的 PAGE_CACHE_VERSION 重新啟動網站，或加上 --clear-cache。"
            self.stdout.write(self.style.WARNING(notice))
        counts = content_counts()
        if counts != manifest["counts"]:
            raise CommandError(f"還原後的數量與備份不符：備份 {manifest['counts']}，還原後 {counts}")
        self.stdout.write(self.style.SUCCESS(f"restored {folder}"))
        self.stdout.write(json.dumps(counts, ensure_ascii=False))

    @staticmethod
    def _restore_sqlite(database_file: Path) -> None:
        connections.close_all()
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        name = str(settings.DATABASES["default"]["NAME"])
        make_private(name)  # a database restored into a new file is as private as one the site creates
        destination = sqlite3.connect(name)
        try:
            # Page by page through SQLite itself, so a WAL-mode target file stays consistent.
            source.backup(destination)
        finally:
            source.close()
            destination.close()

    @staticmethod
    def _restore_postgres(database_file: Path) -> None:
        connections.close_all()
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",  # noqa: S607
             f"--dbname={connection.settings_dict['NAME']}", str(database_file)],
            env=postgres_env(connection.settings_dict), capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore 失敗：{result.stderr.strip()}")

    @staticmethod
    def _restore_media(archive_path: Path) -> None:
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive_path, "r:gz") as archive:
            members = []
            for member in archive.getmembers():
                parts = Path(member.name).parts
                if not parts or parts[0] != "media" or ".." in parts or not (member.isfile() or member.isdir()):
                    raise CommandError(f"備份中有不安全的路徑：{member.name}")
                if len(parts) == 1:
                    continue
                member.name = str(Path(*parts[1:]))
                members.append(member)
            # The "data" filter also refuses absolute paths, links and device files.
            archive.extractall(media_root, members=members, filter="data")  # noqa: S202 - checked above

    @staticmethod
    def _clear_cache() -> None:
        """Cached pages and counters describe the old database; the cache holds nothing else worth keeping."""
        from django.core.cache import cache

        try:
            cache.clear()
        except Exception as exc:  # noqa: BLE001 - a cache that is down holds nothing stale either
            logger.warning("Could not clear the cache after a restore: %s", exc)
