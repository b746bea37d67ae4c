from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "新聞室"

    def ready(self) -> None:
        from articles import subscribers
        from articles.models import GlossaryTerm
        from articles.text import chinese

        chinese.set_glossary_provider(GlossaryTerm.active_terms)
        subscribers.connect()
