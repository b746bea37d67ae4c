"""Make the renditions images are missing (after a restore, a new spec, or an upload whose renditions failed).

Safe to run beside the site and twice at once: each rendition is created get-or-create style under the unique
(image, spec) constraint. ``--force`` remakes every rendition (new file names, so CDN caches never serve the old
picture); ``--image ID`` limits the run to one image; ``--dry-run`` only counts. Not one big transaction: each
rendition commits on its own, so an interrupted run keeps what it made and the next run carries on.
"""

from django.core.management.base import BaseCommand, CommandError

from articles import services
from articles.images import renditions
from articles.models import Image


class Command(BaseCommand):
    help = "產生圖片缺少的尺寸版本（--force 全部重新產生）。"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="重新產生所有尺寸版本，而不只是缺少的。")
        parser.add_argument("--image", type=int, action="append", dest="images", metavar="ID",
                            help="只處理這張圖片（可重複）。")
        parser.add_argument("--dry-run", action="store_true", help="只列出會產生的數量，不寫入。")

    def handle(self, *args, force: bool = False, images=None, dry_run: bool = False, verbosity: int = 1, **options):
        queryset = Image.objects.order_by("pk").prefetch_related("renditions")
        if images:
            queryset = queryset.filter(pk__in=images)
        total = queryset.count()
        made = failed = skipped = 0
        for position, image in enumerate(queryset.iterator(chunk_size=200), start=1):
            have = {rendition.spec for rendition in image.renditions.all()}
            wanted = renditions.spec_names_for(image.width, image.height)
            todo = wanted if force else wanted - have
            label = f"[{position}/{total}] #{image.pk} {image.width}×{image.height}"
            if not todo:
                skipped += 1
                if verbosity >= 2:
                    self.stdout.write(f"{label} 已完整")
                continue
            if dry_run:
                made += len(todo)
                self.stdout.write(f"{label} 會產生 {len(todo)} 個：{', '.join(sorted(todo))}")
                continue
            result = services.renditions_ensure(image=image, force=force)
            now = {rendition.spec for rendition in result}
            missing = wanted - now
            made += len(todo - missing)
            failed += len(missing)
            line = f"{label} 產生 {len(todo - missing)} 個"
            if missing:
                self.stdout.write(self.style.ERROR(f"{line}，失敗 {len(missing)} 個：{', '.join(sorted(missing))}"))
            else:
                self.stdout.write(line)
        verb = "would make" if dry_run else "made"
        summary = f"{verb} {made} renditions, failed {failed}, images already complete {skipped} (of {total})"
        if failed:
            raise CommandError(summary + "（失敗的原因見日誌）")
        self.stdout.write(self.style.SUCCESS(summary))
