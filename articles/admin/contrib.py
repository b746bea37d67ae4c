"""The admins Django and taggit register themselves: Django's users and groups registered again with the safe change
list (``articles.admin.base``), so no admin page's filters can answer with a server error; taggit's own tag page
removed.

Taggit registers a "Taggit › Tags" page for its default ``taggit.Tag`` model, which this site never uses (our tags
are ``articles.Tag``, one per concept in both scripts, on the 標籤 page of our own section): a second, English,
always-empty tag section only misleads an editor.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from taggit.models import Tag as TaggitTag

from articles.admin.base import SafeChangeListMixin

if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)

for _model, _admin_class in (
    (User, auth_admin.UserAdmin),
    (Group, auth_admin.GroupAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(_admin_class.__name__, (SafeChangeListMixin, _admin_class), {}))
