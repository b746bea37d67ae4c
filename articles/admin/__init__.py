"""The editors' admin, in Traditional Chinese. Workflow steps go through ``articles.services``."""

from articles.admin import articles, glossary, images, imports, sources, tags  # noqa: F401 - registers the model admins
