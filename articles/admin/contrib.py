"""The admins Django and taggit register themselves, registered again with the safe change list
(``articles.admin.base``), so no admin page's filters can answer with a server error."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from taggit import admin as taggit_admin
from taggit.models import Tag as TaggitTag

from articles.admin.base import SafeChangeListMixin

for _model, _admin_class in (
    (User, auth_admin.UserAdmin),
    (Group, auth_admin.GroupAdmin),
    (TaggitTag, taggit_admin.TagAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, type(_admin_class.__name__, (SafeChangeListMixin, _admin_class), {}))
