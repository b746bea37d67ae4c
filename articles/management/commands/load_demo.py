"""``manage.py load_demo``: fill a site with demo sources, images and articles.

The content itself lives in :mod:`articles.demo`. Running the command again creates
nothing new: existing sources (by name) and articles (by source and guid) are skipped,
and identical images are reused. ``--if-empty`` (used by ``make run``) leaves a site that
already has articles alone.

Accounts: with ``DEBUG`` on (``make dev``) the demo editor and writer and the operators' ``admin``
are created; with it off, none unless asked — ``--accounts`` (``make run``, on loopback) for the
editor and the writer, ``--admin`` for the operators' account, with a password generated and shown once.
"""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo import DEMO_ADMIN, DEMO_PASSWORD, ensure_demo_accounts, load_demo
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
        parser.add_argument(
            "--accounts", action="store_true",
            help="DEBUG 關閉時也建立示範帳號 editor（編輯）與 writer（撰稿人），密碼為公開的示範密碼；"
                 "僅供本機試用（make run），切勿用在對外的網站。",
        )
        parser.add_argument(
            "--admin", action="store_true",
            help=f"另外建立營運用的超級使用者 {DEMO_ADMIN}，密碼隨機產生並只顯示這一次（DEBUG 開啟時一律建立，"
                 "密碼同示範密碼）。",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("網站已有文章，未載入示範資料（--if-empty）。")
        else:
            verbose = options["verbosity"] >= 1
            result = load_demo(stdout=self.stdout if verbose else None)
            self.stdout.write(self.style.SUCCESS(result.summary()))
        self._accounts(accounts=options["accounts"], admin=options["admin"])

    def _accounts(self, *, accounts: bool, admin: bool) -> None:
        if not (settings.DEBUG or accounts or admin):
            self.stdout.write("正式環境不建立示範帳號；請用 manage.py createsuperuser 建立編輯帳號。")
            return
        if settings.DEBUG:
            admin_password = DEMO_PASSWORD
        else:
            admin_password = secrets.token_urlsafe(12) if admin else None
        demo = settings.DEBUG or accounts
        created = ensure_demo_accounts(demo=demo, admin_password=admin_password)
        if demo:
            self.stdout.write(
                f"示範帳號：editor / {DEMO_PASSWORD}（編輯，可發布）、"
                f"writer / {DEMO_PASSWORD}（撰稿人，只能送審）。登入 /admin/"
            )
        if admin_password is None:
            return
        if DEMO_ADMIN in created:
            self.stdout.write(f"營運帳號：{DEMO_ADMIN} / {admin_password}（超級使用者，管理帳號、群組與所有設定）。")
        else:
            self.stdout.write(f"營運帳號 {DEMO_ADMIN} 已存在，密碼未變更。")
