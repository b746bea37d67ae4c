from django.apps import AppConfig
from django.db.models.signals import pre_delete


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from articles import prerender
        from articles.models import Article, Image, Source, Tag

        # Deletes come straight from the admin and from cascades, not through services: the stored pages that
        # show what was deleted are rendered again after the deletion commits (see articles.prerender).
        for model in (Article, Tag, Image, Source):
            pre_delete.connect(prerender.before_delete, sender=model, dispatch_uid=f"prerender-{model.__name__}")
