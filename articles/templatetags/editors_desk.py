"""The editors' desk on the admin index: what needs attention today."""

from django import template

from articles import jobs, selectors, services

register = template.Library()


@register.inclusion_tag("admin/articles/editors_desk.html", takes_context=True)
def editors_desk(context) -> dict:
    request = context["request"]
    user = request.user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    return {"show": True, "is_editor": user.has_perm(services.PUBLISH_PERMISSION),
            "jobs": jobs.counts() if user.has_perm("articles.view_backgroundjob") else None,
            **selectors.editors_desk(user=user)}
