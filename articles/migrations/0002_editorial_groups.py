"""Create the two editorial groups: writers draft and submit, editors publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER_PERMISSIONS = [
    "add_article", "change_article", "view_article",
    "view_source",
    "add_image", "change_image", "view_image",
    "add_tag", "view_tag",
]
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    "delete_article", "publish_article", "archive_article",
    "add_source", "change_source",
    "delete_image",
    "change_tag", "delete_tag",
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("writers", WRITER_PERMISSIONS), ("editors", EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["writers", "editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
