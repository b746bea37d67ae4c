"""Read-only history on the admin forms: an article's revisions and the audit trail, and the revision diff."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.models import Article, AuditEntry, Revision, Source
from articles.text import diff


def when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def who(user) -> str:
    return user.get_username() if user is not None else "系統"


def render_audit_list(entries: list[AuditEntry]) -> str:
    """A table of audit entries, newest first."""
    if not entries:
        return "尚無紀錄。"
    rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>", (
        (when(e.created_at), who(e.user), e.get_action_display(), e.from_value or "—", e.to_value or "—",
         e.note or "") for e in entries))
    return format_html('<table data-audit-trail><thead><tr><th>時間</th><th>執行者</th><th>動作</th>'
                       '<th>變更</th><th>備註</th></tr></thead><tbody>{}</tbody></table>', rows)


def diff_url(article_id: int, old: Revision | int, new: Revision | int) -> str:
    """The admin page comparing two revisions of one article."""
    old_pk, new_pk = getattr(old, "pk", old), getattr(new, "pk", new)
    return reverse("admin:articles_article_revision_diff", args=[article_id]) + f"?from={old_pk}&to={new_pk}"


def render_revision_list(article: Article, revisions: list[Revision], *, can_restore: bool) -> str:
    """The article's revisions with links to compare them and, for those who may edit, to restore one."""
    if not revisions:
        return "尚無版本紀錄；下次儲存時會開始保留。"
    # The current content is the newest revision an edit saved; an upstream update waiting is newer but not current.
    newest = next((revision for revision in revisions if not revision.pending_upstream), revisions[0])
    rows = []
    for index, revision in enumerate(revisions):
        links = []
        if revision.pk != newest.pk:
            links.append(format_html('<a href="{}">與目前版本比較</a>', diff_url(article.pk, revision, newest)))
        if index + 1 < len(revisions):
            links.append(format_html('<a href="{}">與前一版比較</a>',
                                     diff_url(article.pk, revisions[index + 1], revision)))
        if can_restore and revision.pk != newest.pk:
            label = "採用此上游版本…" if revision.pending_upstream else "還原此版本…"
            links.append(format_html('<a href="{}" data-restore>{}</a>',
                                     reverse("admin:articles_article_revision_restore",
                                             args=[article.pk, revision.pk]), label))
        note = revision.note or ""
        if revision.pending_upstream:
            note = format_html("<strong data-pending-upstream>待確認的上游更新</strong> {}", note)
        rows.append((revision.version, when(revision.created_at), who(revision.user),
                     revision.get_status_display(), revision.title, note,
                     format_html_join("｜", "{}", ((link,) for link in links))))
    body = format_html_join(
        "", '<tr data-revision="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        ((row[0], *row) for row in rows))
    return format_html('<table data-revisions><thead><tr><th>版本</th><th>時間</th><th>編輯者</th><th>狀態</th>'
                       '<th>標題</th><th>說明</th><th></th></tr></thead><tbody>{}</tbody></table>', body)


def _source_name(pk: int | None, names: dict[int, str]) -> str:
    if pk is None:
        return ""
    return names.get(pk, f"（已刪除的來源 {pk}）")


def revision_diff_rows(old: Revision, new: Revision) -> list[dict]:
    """Field by field: label, whether it changed, and the marked-up difference."""
    names = dict(Source.objects.filter(pk__in=[old.source_pk, old.original_source_pk, new.source_pk,
                                               new.original_source_pk]).values_list("pk", "name"))
    fields = [
        ("標題", old.title, new.title),
        ("摘要", old.summary, new.summary),
        ("內文", diff.html_to_text(old.body), diff.html_to_text(new.body)),
        ("標籤", "、".join(old.tags), "、".join(new.tags)),
        ("作者", old.author, new.author),
        ("狀態", old.get_status_display(), new.get_status_display()),
        ("主圖編號", str(old.featured_image_pk or ""), str(new.featured_image_pk or "")),
        ("資訊來源", _source_name(old.source_pk, names), _source_name(new.source_pk, names)),
        ("原文來源", _source_name(old.original_source_pk, names), _source_name(new.original_source_pk, names)),
        ("原文網址", old.original_url, new.original_url),
        ("版權聲明", old.copyright_notice, new.copyright_notice),
        ("標題（繁體）", old.title_hant, new.title_hant),
        ("標題（簡體）", old.title_hans, new.title_hans),
        ("內文（繁體）", diff.html_to_text(old.body_hant), diff.html_to_text(new.body_hant)),
        ("內文（簡體）", diff.html_to_text(old.body_hans), diff.html_to_text(new.body_hans)),
    ]
    return [{"label": label, "changed": diff.changed(a, b), "diff": diff.diff_html(a, b)} for label, a, b in fields]
