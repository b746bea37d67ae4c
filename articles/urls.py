from django.urls import path

from articles import feeds, shares, views
from newsroom import converters  # noqa: F401 - registers <id:...> and <uslug:...>

# Every id and slug is validated by its converter (newsroom.converters): a value that cannot name a row is a 404
# before any view or query sees it.
app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<id:pk>/", views.article_detail, name="detail_short"),
    path("articles/<id:pk>/share/", shares.share, name="share"),
    path("articles/<id:pk>/<uslug:slug>/", views.article_detail, name="detail"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag"),
    path("sources/<uslug:slug>/", views.source_detail, name="source"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed_atom"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<uslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("sources/<uslug:slug>/feed/", feeds.SourceFeed(), name="source_feed"),
    path("sources/<uslug:slug>/feed/atom/", feeds.SourceAtomFeed(), name="source_feed_atom"),
]
