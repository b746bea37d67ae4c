"""``manage.py load_demo``: fill a site with demo sources, images and articles.

The content itself lives in :mod:`articles.demo`. Running the command again creates
nothing new: existing sources (by name) and articles (by source and guid) are skipped,
and identical images are reused. ``--if-empty`` (used by ``make run``) leaves a site that
already has articles alone.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo import DEMO_PASSWORD, ensure_demo_accounts, load_demo
from articles.models import Article


class Command(BaseCommand):
    help = (
        "載入示範資料：各種轉載授權的來源、以 Pillow 繪製的示意圖，以及繁簡兩種字體撰寫的科技新聞"
        "（含已發布、排程、待審與草稿文章），供開發與展示使用。可重複執行：已存在的來源與文章會略過，"
        "相同內容的圖片會沿用。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true",
            help="網站已有任何文章時什麼都不做（供 make run 使用，避免把示範文章混進真實內容）。",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("網站已有文章，未載入示範資料（--if-empty）。")
        else:
            verbose = options["verbosity"] >= 1
            result = load_demo(stdout=self.stdout if verbose else None)
            self.stdout.write(self.style.SUCCESS(result.summary()))
        self._accounts()

    def _accounts(self) -> None:
        if not settings.DEBUG:
            self.stdout.write("正式環境不建立示範帳號；請用 manage.py createsuperuser 建立編輯帳號。")
            return
        ensure_demo_accounts()
        self.stdout.write(
            f"示範帳號（僅限本機 DEBUG）：editor / {DEMO_PASSWORD}（編輯，可發布）、"
            f"writer / {DEMO_PASSWORD}（撰稿人，只能送審）。登入 /admin/"
        )
