"""Share clicks: counted in the database, never read-modify-write."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, ShareCount


@transaction.atomic
def share_record(*, article_id: int, network: str) -> tuple[int, int]:
    """Count one share click; returns ``(count for this network today, article total)``.

    Both counters move with single ``UPDATE ... SET n = n + 1`` statements in one transaction,
    never read-modify-write, so concurrent clicks are never lost: SQLite serialises the writers
    (IMMEDIATE transactions wait on the busy timeout), PostgreSQL takes row locks. The day's row
    is created on first use; when two first clicks race, the loser's INSERT fails on the unique
    constraint inside a savepoint and it falls back to the UPDATE.
    """
    if network not in ShareCount.Network.values:
        raise ValidationError({"network": f"不支援的分享方式：{network}"})
    day = timezone.localdate()
    rows = ShareCount.objects.filter(article_id=article_id, network=network, day=day)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ShareCount.objects.create(article_id=article_id, network=network, day=day, count=1)
        except IntegrityError:
            rows.update(count=F("count") + 1)
    Article.objects.filter(pk=article_id).update(share_total=F("share_total") + 1)
    count = rows.values_list("count", flat=True).get()
    total = Article.objects.filter(pk=article_id).values_list("share_total", flat=True).get()
    return count, total
