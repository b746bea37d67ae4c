"""Writes with side effects. Every function takes keyword-only arguments, runs in one transaction and
raises ``ValidationError`` with a reason an editor can read when it refuses.

One module per concern; everything is importable from ``articles.services`` (the contract names
``articles.services.article_publish``).
"""

from articles.services.articles import (
    VARIANT_FIELDS,
    article_archive,
    article_publish,
    article_publish_problems,
    article_save,
    article_schedule,
    article_send_back,
    article_set_status,
    article_set_tags,
    article_submit_for_review,
    article_unpublish,
    articles_convert,
    articles_publish_scheduled,
    articles_take_down_lapsed,
)
from articles.services.audit import audit_record
from articles.services.autosaves import autosave_discard, autosave_problem, autosave_store, autosaves_clear
from articles.services.common import ARCHIVE_PERMISSION, PUBLISH_PERMISSION, WRITER_STATUSES, article_editable_by
from articles.services.creation import article_check_new, article_create, articles_create
from articles.services.glossary import glossary_term_delete, glossary_term_save
from articles.services.images import (
    image_create,
    image_details_problem,
    image_update_details,
    image_update_focal_point,
    renditions_ensure,
)
from articles.services.imports import article_import, articles_import
from articles.services.jobs import jobs_retry
from articles.services.restore import revision_dismiss_upstream, revision_restore
from articles.services.revisions import ArticleConflict, revision_record, revisions_prune
from articles.services.shares import share_record
from articles.services.sources import source_save
from articles.services.tags import tag_save

__all__ = [
    "ARCHIVE_PERMISSION",
    "ArticleConflict",
    "PUBLISH_PERMISSION",
    "WRITER_STATUSES",
    "article_editable_by",
    "VARIANT_FIELDS",
    "article_archive",
    "article_check_new",
    "article_create",
    "article_import",
    "article_publish",
    "article_publish_problems",
    "article_save",
    "article_schedule",
    "article_send_back",
    "article_set_status",
    "article_set_tags",
    "article_submit_for_review",
    "article_unpublish",
    "articles_convert",
    "articles_create",
    "articles_import",
    "articles_publish_scheduled",
    "articles_take_down_lapsed",
    "audit_record",
    "autosave_discard",
    "autosave_problem",
    "autosave_store",
    "autosaves_clear",
    "glossary_term_delete",
    "glossary_term_save",
    "image_create",
    "image_details_problem",
    "image_update_details",
    "image_update_focal_point",
    "jobs_retry",
    "renditions_ensure",
    "revision_dismiss_upstream",
    "revision_record",
    "revision_restore",
    "revisions_prune",
    "share_record",
    "source_save",
    "tag_save",
]
