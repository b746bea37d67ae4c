from django.urls import path

from articles import shares, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail_short"),
    path("articles/<int:pk>/share/", shares.share, name="share"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("sources/<str:slug>/", views.source_detail, name="source"),
    path("search/", views.search, name="search"),
]
