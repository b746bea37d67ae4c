"""The newsroom's domain, one module per aggregate. Everything is importable from ``articles.models`` (the contract
names ``articles.models.Source``, ``Article``, ``Image``, ``GlossaryTerm``)."""

from articles.models.articles import RESERVED_SLUGS, SCRIPTS, Article, ArticleQuerySet, reprint_valid
from articles.models.autosaves import Autosave
from articles.models.glossary import GlossaryTerm
from articles.models.history import AuditEntry, ImportRun, Revision
from articles.models.images import Image, Rendition, image_upload_to, rendition_upload_to
from articles.models.jobs import BackgroundJob, JobKey
from articles.models.pages import ArticlePage, RelatedArticle
from articles.models.shares import ShareCount
from articles.models.sources import FormerSourceSlug, Source
from articles.models.tags import CanonicalTagManager, FormerTagSlug, Tag, TaggedArticle

__all__ = [
    "RESERVED_SLUGS", "SCRIPTS", "Article", "ArticlePage", "ArticleQuerySet", "AuditEntry", "Autosave", "BackgroundJob",
    "CanonicalTagManager", "FormerSourceSlug", "FormerTagSlug", "GlossaryTerm", "Image", "ImportRun", "JobKey",
    "Rendition", "RelatedArticle", "Revision",
    "ShareCount", "Source", "Tag", "TaggedArticle", "image_upload_to", "reprint_valid", "rendition_upload_to",
]
