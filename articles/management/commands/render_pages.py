"""Render and store the article pages readers are served (see ``articles.pages``).

Every write outdates the stored pages it touches and queues them to be rendered in the background (``run_tasks``);
readers never get an outdated one (it is rendered live until then). Run this after a deploy that changed
templates, translations or static files (pages of an older build are rendered live, correctly but slower, until
it has run), after a restore or a bulk load. By default only pages that are missing or from another build are
rendered, newest first, so it is safe to stop and run again; ``--all`` renders every one.
"""

from django.core.management.base import BaseCommand

from articles import pages, selectors


class Command(BaseCommand):
    help = "產生並儲存文章頁（部署更新樣板後、還原或大量匯入後執行；可重複執行）。"

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="全部重新產生，而不只是缺少或過期的。")
        parser.add_argument("--newest", type=int, metavar="N", help="只處理最新的 N 篇（其餘讀者開啟時即時產生）。")
        parser.add_argument("--article", type=int, action="append", dest="articles", metavar="ID",
                            help="只處理這篇文章（可重複）。")
        parser.add_argument("--dry-run", action="store_true", help="只列出會產生的篇數，不寫入。")

    def handle(self, *args, all: bool = False, newest=None, articles=None, dry_run: bool = False, **options):
        ids = selectors.article_ids_to_render(stale_only=not all and not articles, only=articles, newest=newest)
        if dry_run:
            self.stdout.write(f"would render {len(ids)} articles")
            return
        done = 0
        for number, pk in enumerate(ids, 1):
            done += pages.render_article(pk)
            if number % 50 == 0 or number == len(ids):
                self.stdout.write(f"\r產生中 {number}/{len(ids)}", ending="")
                self.stdout.flush()
        if ids:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"rendered {done} articles (both scripts), build {pages.build()}"))
