"""The editors' glossary, fed to OpenCC as whole phrases."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, models

from articles.text import chinese


class GlossaryTerm(models.Model):
    """A site term fed to OpenCC as a whole phrase, so it can never rewrite part of a longer word."""

    simplified = models.CharField("簡體", max_length=100, unique=True,
                                  help_text="簡體字形，例如：内卷。至少兩個字。")
    traditional = models.CharField("繁體（台灣）", max_length=100,
                                   help_text="台灣用語的繁體字形，例如：內捲。")
    note = models.CharField("說明", max_length=300, blank=True, help_text="為什麼需要這個詞條。")
    active = models.BooleanField("啟用", default=True)
    updated_at = models.DateTimeField("更新時間", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="最後編輯者", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = "詞彙表詞條"
        verbose_name_plural = "詞彙表"
        ordering = ["simplified"]

    def __str__(self) -> str:
        return f"{self.simplified} → {self.traditional}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.simplified = (self.simplified or "").strip()
        self.traditional = (self.traditional or "").strip()
        problem = chinese.term_problem(self.simplified, self.traditional)
        if problem:
            raise ValidationError({"simplified": problem})

    def as_term(self) -> chinese.Term:
        return chinese.Term(self.simplified, self.traditional)

    @classmethod
    def active_terms(cls) -> list[chinese.Term]:
        """The glossary every conversion uses (``chinese.glossary_provider``): active terms that are safe."""
        try:
            rows = list(cls.objects.filter(active=True).values_list("simplified", "traditional"))
        except DatabaseError:  # before migrations there is no glossary
            return []
        return [chinese.Term(s, t) for s, t in rows if chinese.term_problem(s, t) is None]
