"""Re-index every article for search, whatever its status (after an upgrade, a restore or a bulk load).

Publishing, editing and unpublishing keep the index current on their own; this is for
articles that reached the database another way. Safe to run again at any time.
"""

from django.core.management.base import BaseCommand

from articles import search


class Command(BaseCommand):
    help = "重建搜尋索引（升級、還原或大量匯入資料後執行；可重複執行）。"

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r索引中 {done}/{total}", ending="")
            self.stdout.flush()

        count = search.rebuild(progress=progress)
        if count:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"indexed {count}"))
