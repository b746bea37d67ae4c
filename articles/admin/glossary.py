"""The site glossary fed to OpenCC."""

from django.contrib import admin, messages

from articles import selectors, services
from articles.admin import base
from articles.models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(base.ModelAdmin):
    list_display = ["simplified", "traditional", "note", "active", "updated_at", "updated_by"]
    list_editable = ["active"]
    list_filter = ["active"]
    search_fields = ["simplified", "traditional", "note"]
    readonly_fields = ["updated_at", "updated_by"]
    actions = ["action_reconvert_articles"]

    def save_model(self, request, obj, form, change):
        services.glossary_term_save(term=obj, user=request.user)
        affected = selectors.article_list_containing_terms(terms=[(obj.simplified, obj.traditional)]).count()
        if affected:
            self.message_user(
                request,
                f"有 {affected} 篇文章含有「{obj.simplified}／{obj.traditional}」。勾選此詞條並執行"
                "「重新轉換含有所選詞條的文章」即可套用到這些文章。",
                messages.WARNING,
            )

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
