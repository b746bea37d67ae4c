"""Reads that cross relations: ``public`` for readers' pages, ``editorial`` for the desk. Everything is importable
from ``articles.selectors``."""

from articles.selectors.autosaves import autosave_to_offer  # noqa: F401
from articles.selectors.editorial import (  # noqa: F401
    EXPIRY_WARNING_DAYS,
    article_conversion_lint,
    article_current_revision,
    article_desk_search,
    article_latest_send_back,
    article_list_blocked_by_reprint_gate,
    article_list_containing_terms,
    article_list_most_shared,
    article_pending_upstream,
    article_related_computed,
    article_review_queue,
    article_revisions,
    article_share_counts,
    audit_list_for,
    editors_desk,
    pending_upstream_exists,
    source_list_permission_expiring,
)
from articles.selectors.images import PICKER_LIMIT, image_list_for_picker  # noqa: F401
from articles.selectors.pagination import Page, paginate  # noqa: F401
from articles.selectors.public import (  # noqa: F401
    COMMON_TAG_ARTICLES,
    SearchResults,
    StoredPage,
    article_cards_page,
    article_get_for_preview,
    article_get_listed,
    article_get_public,
    article_ids_to_render,
    article_list_for_source,
    article_list_for_tag,
    article_list_published,
    article_page_stored,
    article_page_version,
    article_related_list,
    article_search,
    article_tags,
)
