from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from articles import views as article_views
from newsroom import security

admin.site.site_header = f"{settings.SITE_NAME} 編輯台"
admin.site.site_title = f"{settings.SITE_NAME} 編輯台"
admin.site.index_title = "內容管理"

urlpatterns = [
    # Before the admin's own URLs: the same login view, throttled per address and username.
    path("admin/login/", security.admin_login),
    path("admin/", admin.site.urls),
    path("healthz", article_views.healthz, name="healthz"),
    path("robots.txt", article_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", article_views.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", article_views.news_sitemap, name="sitemap_news"),
    path("sitemap-<section>.xml", article_views.sitemap_section, name="sitemap_section"),
]
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    # The folder is read when a file is served (serve_media), not frozen here when the URLs are first loaded.
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", security.serve_media)]
