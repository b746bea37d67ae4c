"""Background tasks of the caching capability."""

from __future__ import annotations

from articles.jobs import task


@task()
def render_outdated_pages() -> int:
    """Render every stored article page that is missing or outdated (see ``articles.caching.stored``)."""
    from articles.caching import stored

    return stored.render_outdated()
