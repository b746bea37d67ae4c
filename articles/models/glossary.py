"""The editors' glossary, fed to OpenCC as whole phrases."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models

from articles.text import chinese

# A term's text is inserted into bodies after they are sanitised: markup in it would reach readers and the feed.
_MARKUP = set("<>&\"'`")
_TAG_RE = re.compile(r"</?\s*[a-zA-Z!?/]")


def unsafe_text_problem(value: str) -> str | None:
    """Why ``value`` may not be one side of a glossary term (markup or control characters), or None."""
    value = value or ""
    if _TAG_RE.search(value):
        return "詞條不能含有 HTML 標籤：詞條會在清理內文之後才插入，標籤會直接送到讀者與 RSS。"
    markup = sorted({ch for ch in value if ch in _MARKUP})
    if markup:
        return (f"詞條不能含有標記字元（{'、'.join(markup)}）：詞條會在清理內文之後才插入，"
                "這些字元可能變成 HTML 標籤或屬性，送到讀者與 RSS。")
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return (f"詞條不能含有控制字元或看不見的格式字元（U+{ord(ch):04X}），"
                    "它們會讓詞條看起來一樣、實際上不同，或打亂文字方向。")
    return None


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
        self.simplified = (self.simplified or "").strip()
        self.traditional = (self.traditional or "").strip()
        unsafe = {name: problem for name in ("simplified", "traditional")
                  if (problem := unsafe_text_problem(getattr(self, name)))}
        if unsafe:
            raise ValidationError(unsafe)
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
        # A row written before these checks existed (or past the service) is left out, never inserted into text.
        return [chinese.Term(s, t) for s, t in rows
                if chinese.term_problem(s, t) is None and unsafe_text_problem(s) is None
                and unsafe_text_problem(t) is None]
