"""Tags: one per concept, shown in both scripts."""

from django.contrib import admin
from django.db.models import Count

from articles import services
from articles.admin import base
from articles.models import Tag


@admin.register(Tag)
class TagAdmin(base.ModelAdmin):
    list_display = ["name", "name_hans", "slug", "article_count"]
    search_fields = ["name", "name_hans", "slug"]
    readonly_fields = ["name_hans"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("tagged_articles"))

    @admin.display(description="文章數", ordering="article_count")
    def article_count(self, obj: Tag) -> int:
        return obj.article_count

    def save_model(self, request, obj, form, change):
        services.tag_save(tag=obj)
