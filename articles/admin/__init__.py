"""The editors' admin, in Traditional Chinese. Workflow steps go through ``articles.services``."""

from articles.admin import (  # noqa: F401 - registers the model admins
    articles,
    contrib,
    glossary,
    images,
    imports,
    jobs,
    sources,
    tags,
)
