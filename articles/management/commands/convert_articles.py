"""Re-derive the Traditional and Simplified text of articles, e.g. after a glossary change.

Only the derived columns are rewritten; an article's ``updated_at`` and editor stay as they
were, so re-running this is always safe.
"""

from django.core.management.base import BaseCommand, CommandError

from articles import services
from articles.models import Article


class Command(BaseCommand):
    help = "重新產生文章的繁體與簡體版本（詞彙表變更後執行；可重複執行）。"

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, metavar="ID", help="只轉換這一篇文章。")
        parser.add_argument("--batch-size", type=int, default=200, help="每批轉換幾篇（預設 200）。")

    def handle(self, *args, article=None, batch_size=200, **options):
        queryset = Article.objects.all()
        if article is not None:
            queryset = queryset.filter(pk=article)
            if not queryset.exists():
                raise CommandError(f"沒有編號 {article} 的文章。")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r轉換中 {done}/{total}", ending="")
            self.stdout.flush()

        count = services.articles_convert(queryset=queryset, batch_size=batch_size, progress=progress)
        if count:
            self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"converted {count}"))
