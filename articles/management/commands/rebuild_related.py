"""Recompute the stored related articles of every article, or of one (``--article ID``).

Editors' pins and exclusions are kept. Each chunk of articles is scored first and then written in one
short transaction (not the whole run in one), so readers and editors are never held up and an interrupted
run can simply be started again. ``--dry-run`` scores without writing.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from articles import related
from articles.models import Article


class Command(BaseCommand):
    help = "重新計算相關文章（--article ID 只算一篇；編輯的釘選與排除會保留；可重複執行）。"

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, metavar="ID", help="只重新計算這一篇文章。")
        parser.add_argument("--dry-run", action="store_true", help="只計算並報告，不寫入。")

    def handle(self, *args, article=None, dry_run=False, **options):
        article_ids = None
        if article is not None:
            if not Article.objects.filter(pk=article).exists():
                raise CommandError(f"沒有編號 {article} 的文章。")
            article_ids = [article]
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            self.stdout.write(f"\r計算中 {done}/{total}（每秒 {rate:.0f} 篇）", ending="")
            self.stdout.flush()

        count, rows = related.rebuild(article_ids=article_ids, progress=progress, dry_run=dry_run)
        if count:
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        verb = "would store" if dry_run else "stored"
        self.stdout.write(self.style.SUCCESS(
            f"rebuilt {count} articles, {verb} {rows} related rows in {elapsed:.1f} s "
            f"({count / max(elapsed, 1e-9):.0f} articles/s)"
        ))
