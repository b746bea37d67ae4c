"""Import articles from JSON, RSS 2.0 and Atom files, folders or feed URLs.

    manage.py import_articles exports/2023-07.json --publish
    manage.py import_articles --source 8btc feeds/8btc.xml
    manage.py import_articles --url https://example.com/feed.xml --dry-run

Every record is imported as a draft (``--publish`` publishes those whose source has reprint
permission), all or nothing: a bad record is reported (file, position, reason) and skipped, the others
land. Records are written in short chunks, one transaction each, so a long run never holds the
database for long. A feed's records go to the source the operator bound it to:
``--source SLUG``, or the source whose RSS/Atom URL is the ``--url`` fetched; never to the source its
channel title names. JSON records go to the outlet their ``source.url`` identifies (or ``--source``).
Re-importing is safe: unchanged records change nothing; changed ones update a draft unless an editor has
edited it, and become a revision waiting for an editor when the article is past the draft stage.
The last line is always
``created N, updated N, unchanged N, failed N``; the exit status is 1 when any record failed.
The work is done by ``articles.services.articles_import``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles import services
from articles.models import Source
from articles.services.imports import ReportLine


class Command(BaseCommand):
    help = (
        "從 JSON、RSS 2.0 或 Atom 檔案（或資料夾、摘要網址）匯入文章。每筆紀錄全有或全無（分批寫入，每批一個"
        "短交易）：壞紀錄會列出（檔案、第幾筆、原因）並跳過，其餘照常匯入；重複匯入同一檔案不會有任何變更。匯入的文章一律是草稿。"
        "RSS/Atom 摘要的文章只歸入操作者指定的來源（--source，或「RSS/Atom 網址」等於 --url 的來源），"
        "不依摘要自稱的名稱判斷；已發布或排程的文章不會被上游更新直接改動，而是存成待編輯確認的版本。"
        "最後一行是 created N, updated N, unchanged N, failed N；有任何一筆失敗時結束代碼為 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="JSON／RSS／Atom 檔案，或含有 .json、.xml、.rss、.atom 檔的資料夾。")
        parser.add_argument("--url", action="append", default=[], metavar="URL", dest="urls",
                            help="以 http(s) 下載的摘要網址（可重複）。不會連到內部或本機位址，"
                                 "除非設定 IMPORT_ALLOW_PRIVATE_URLS。")
        parser.add_argument("--source", metavar="SLUG", default=None,
                            help="這次匯入的所有紀錄都歸入這個來源（填來源的網址代稱）。RSS/Atom 檔案必須指定，"
                                 "除非以 --url 匯入的網址已設為某個來源的「RSS/Atom 網址」。")
        parser.add_argument("--dry-run", action="store_true",
                            help="照常檢查每一筆並回報會有的結果，但不寫入任何資料。")
        parser.add_argument("--publish", action="store_true",
                            help="匯入後發布通過轉載授權檢查的文章；其餘留為草稿並列出原因。")
        parser.add_argument("--progress-every", type=int, default=100, metavar="N",
                            help="每處理 N 筆顯示一次進度（預設 100）。")

    def handle(self, *args, paths=(), urls=(), source=None, dry_run=False, publish=False, progress_every=100,
               **options):
        if not paths and not urls:
            raise CommandError("請指定要匯入的檔案、資料夾或 --url。")
        missing = [path for path in paths if not Path(path).exists()]
        if missing:
            raise CommandError(f"找不到：{', '.join(missing)}")
        bound = None
        if source is not None:
            bound = Source.objects.filter(slug=source).first()
            if bound is None:
                raise CommandError(f"找不到網址代稱為「{source}」的來源"
                                   "（--source 要填來源的網址代稱，可在後台的來源頁查看）。")
        every = max(progress_every, 1)

        def progress(done: int, total: int) -> None:
            if done == 0:
                self.stdout.write(f"共 {total} 筆紀錄" + ("（試跑，不寫入）" if dry_run else ""))
            elif total >= every and (done % every == 0 or done == total):
                self.stdout.write(f"進度 {done}/{total}")

        def report(line: ReportLine) -> None:
            style = self.style.ERROR if line.kind == "failed" else self.style.WARNING
            self.stdout.write(style(line.text))

        result = services.articles_import(paths=paths, urls=urls, source=bound, publish=publish, dry_run=dry_run,
                                          progress=progress, report=report)
        if result.kept:
            self.stdout.write(f"保留編輯版本 {result.kept} 篇（計入 unchanged）")
        if result.pending:
            self.stdout.write(f"上游更新待編輯確認 {result.pending} 篇（計入 updated；文章內容未變）")
        if publish:
            self.stdout.write(f"發布 {result.published} 篇")
        if dry_run:
            self.stdout.write("試跑：沒有寫入任何資料。")
        style = self.style.ERROR if result.failed else self.style.SUCCESS
        self.stdout.write(style(result.summary))
        if result.failed:
            raise CommandError(f"{result.failed} 筆匯入失敗（見上方報告）。", returncode=1)
