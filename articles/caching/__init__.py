"""Keeping what readers get current: the whole-page cache, the stored (pre-rendered) article pages, and the
subscribers that keep both fresh when something changes (``articles.events``)."""
