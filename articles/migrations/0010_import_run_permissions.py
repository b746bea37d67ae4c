"""Editors may read the import runs (匯入紀錄); both groups may pin and exclude related articles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    related = ["view_relatedarticle", "add_relatedarticle", "change_relatedarticle", "delete_relatedarticle",
               "view_rendition"]
    for name, codenames in (("editors", ["view_importrun", *related]), ("writers", related)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_longer_file_names")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
