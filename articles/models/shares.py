"""Share clicks, counted in the database."""

from __future__ import annotations

from django.db import models

from articles.models.articles import Article


class ShareCount(models.Model):
    """Share clicks for one article on one network on one day; incremented in the database, never in Python."""

    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        LINE = "line", "LINE"
        TELEGRAM = "telegram", "Telegram"
        WEIBO = "weibo", "微博"
        WHATSAPP = "whatsapp", "WhatsApp"
        EMAIL = "email", "電子郵件"
        COPY = "copy", "複製連結"

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="share_counts")
    network = models.CharField("社群網路", max_length=20, choices=Network.choices)
    day = models.DateField("日期")
    count = models.PositiveIntegerField("次數", default=0)

    class Meta:
        verbose_name = "分享次數"
        verbose_name_plural = "分享次數"
        constraints = [
            models.UniqueConstraint(fields=["article", "network", "day"], name="unique_share_per_article_network_day"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="share_day_article")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.network} {self.day}: {self.count}"
