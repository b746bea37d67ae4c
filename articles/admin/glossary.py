"""The site glossary fed to OpenCC: a term is saved only after the editor has seen what it does to the articles."""

from django import forms
from django.contrib import admin, messages

from articles import selectors, services
from articles.admin import base
from articles.models import GlossaryTerm
from articles.services.glossary import glossary_term_preview


class GlossaryTermForm(forms.ModelForm):
    """The term, then (when it changes articles or has a warning) its preview and a confirmation box.

    The confirmation carries the token of the outcome it was given for: changing either side, or an article
    changing meanwhile, asks again."""

    confirm = forms.BooleanField(label="我已看過上面的影響，確認儲存並套用到這些文章", required=False)
    confirm_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GlossaryTerm
        fields = ["simplified", "traditional", "note", "active"]

    impact = None
    confirmed = False

    def _post_clean(self):
        super()._post_clean()  # the model's checks (markup, control characters, single characters) come first
        if self.errors:
            return
        self.impact = glossary_term_preview(term=self.instance)
        if not self.impact.needs_confirmation:
            return
        data = self.cleaned_data
        self.confirmed = bool(data.get("confirm")) and data.get("confirm_token") == self.impact.token
        if not self.confirmed:
            fresh = self.data.copy()
            fresh["confirm_token"] = self.impact.token
            fresh.pop("confirm", None)
            self.data = fresh
            self.add_error(None, "這個詞條會改動現有文章或有警告。請檢查下方的影響，勾選確認後再按一次儲存。")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(base.ModelAdmin):
    form = GlossaryTermForm
    fields = ["simplified", "traditional", "note", "active", "updated_at", "updated_by"]
    list_display = ["simplified", "traditional", "note", "active", "updated_at", "updated_by"]
    list_filter = ["active"]
    search_fields = ["simplified", "traditional", "note"]
    readonly_fields = ["updated_at", "updated_by"]
    actions = ["action_reconvert_articles"]

    def save_model(self, request, obj, form, change):
        term = services.glossary_term_save(term=obj, user=request.user, confirmed=form.confirmed, apply=True)
        if term.applied_count:
            self.message_user(request, f"已把「{term.simplified} → {term.traditional}」套用到 "
                                       f"{term.applied_count} 篇含有它的文章。", messages.SUCCESS)

    def delete_model(self, request, obj):
        services.glossary_term_delete(term=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for term in queryset:
            services.glossary_term_delete(term=term, user=request.user)

    @admin.action(description="重新轉換含有所選詞條的文章")
    def action_reconvert_articles(self, request, queryset):
        terms = list(queryset.values_list("simplified", "traditional"))
        count = services.articles_convert(queryset=selectors.article_list_containing_terms(terms=terms))
        self.message_user(request, f"已重新轉換 {count} 篇文章。", messages.SUCCESS)
