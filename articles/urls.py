from django.urls import path

from articles import feeds, shares, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="detail_short"),
    path("articles/<int:pk>/share/", shares.share, name="share"),
    path("articles/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("sources/<str:slug>/", views.source_detail, name="source"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("sources/<str:slug>/feed/", feeds.SourceFeed(), name="source_feed"),
    path("sources/<str:slug>/feed/atom/", feeds.SourceAtomFeed(), name="source_feed_atom"),
]
