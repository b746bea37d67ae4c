"""Publish scheduled articles whose time has come, and take down those whose reprint permission lapsed.

Run it from cron every minute. Readers already see a due article before this runs
(``Article.objects.published()`` includes it) and stop seeing one whose permission expired
at midnight; this flips their status (published, or draft with a 授權到期下架 audit entry),
stamps ``published_at`` and lets the rest of the site catch up. Two runs at once publish each
article exactly once.
"""

from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = "發布排程時間已到的文章（可由 cron 每分鐘執行；同時執行兩次也只會發布一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出會發布的文章，不寫入資料庫。")

    def handle(self, *args, dry_run: bool = False, **options):
        from articles.models import Article

        if dry_run:
            lapsed = Article.objects.reprint_lapsed().order_by("pk")
            for article in lapsed:
                self.stdout.write(f"會下架 #{article.pk} {article.title}（轉載授權已失效）")
            due = Article.objects.due().exclude(pk__in=lapsed.values("pk")).order_by("publish_at")
            for article in due:
                self.stdout.write(f"會發布 #{article.pk} {article.title}（{article.publish_at:%Y-%m-%d %H:%M}）")
            self.stdout.write(self.style.SUCCESS(f"共 {due.count()} 篇到期（未寫入）"))
            return
        taken_down = services.articles_take_down_lapsed()
        for pk in taken_down:
            self.stdout.write(f"已下架 #{pk}（轉載授權已失效）")
        published = services.articles_publish_scheduled()
        for pk in published:
            self.stdout.write(f"已發布 #{pk}")
        self.stdout.write(self.style.SUCCESS(f"published {len(published)}"
                                             + (f", taken down {len(taken_down)}" if taken_down else "")))
