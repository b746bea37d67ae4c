"""The editors' related-article rows inside the article form: pin or exclude, in order."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from articles.models import Article, RelatedArticle


class RelatedArticleInlineForm(forms.ModelForm):
    """A pin or an exclusion. Pinning (or excluding) an article the computed list already holds turns
    that computed row into the editor's row."""

    kind = forms.ChoiceField(
        label="類型", initial=RelatedArticle.Kind.PINNED,
        choices=[(RelatedArticle.Kind.PINNED, RelatedArticle.Kind.PINNED.label),
                 (RelatedArticle.Kind.EXCLUDED, RelatedArticle.Kind.EXCLUDED.label)],
        help_text="釘選：一定顯示，排在自動計算的文章之前；排除：永遠不列為相關文章。",
    )

    class Meta:
        model = RelatedArticle
        fields = ["related", "kind", "position"]
        help_texts = {"position": "釘選的文章依這個數字由小到大排列。"}

    def clean(self) -> dict:
        cleaned = super().clean()
        related = cleaned.get("related")
        article_id = self.instance.article_id
        if related is None or article_id is None:
            return cleaned
        if related.pk == article_id:
            self.add_error("related", "不能把文章本身列為相關文章。")
            return cleaned
        computed = RelatedArticle.objects.filter(article_id=article_id, related=related,
                                                 kind=RelatedArticle.Kind.COMPUTED).first()
        if computed is not None:
            if self.instance.pk is None:
                self.instance = computed  # saved below as the editor's row: one row per pair
            else:
                self.add_error("related", "這篇文章已在自動計算的清單中；請新增一列來釘選或排除它。")
        return cleaned


class RelatedArticleFormSet(BaseInlineFormSet):
    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if self.is_bound and f"{self.prefix}-TOTAL_FORMS" not in self.data:
            # A POST that leaves this inline out altogether (a script, an older test) changes no pins.
            self.data = self.data.copy()
            self.data[f"{self.prefix}-TOTAL_FORMS"] = "0"
            self.data[f"{self.prefix}-INITIAL_FORMS"] = "0"


class RelatedArticleInline(admin.TabularInline):
    """The editors' pins and exclusions; the computed rows are shown read-only on the form."""

    model = RelatedArticle
    fk_name = "article"
    form = RelatedArticleInlineForm
    formset = RelatedArticleFormSet
    fields = ["related", "kind", "position"]
    autocomplete_fields = ["related"]
    extra = 1
    verbose_name = "釘選或排除的相關文章"
    verbose_name_plural = "釘選或排除的相關文章"

    def get_queryset(self, request):
        return (super().get_queryset(request)
                .filter(kind__in=[RelatedArticle.Kind.PINNED, RelatedArticle.Kind.EXCLUDED])
                .select_related("related").order_by("-kind", "position", "pk"))  # pinned, then excluded

    # Pins belong to the article: whoever may edit the article may edit them.
    def _article_admin(self) -> admin.ModelAdmin:
        return self.admin_site.get_model_admin(Article)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._article_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        parent = self._article_admin()
        return parent.has_change_permission(request, obj) if obj is not None else parent.has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)
