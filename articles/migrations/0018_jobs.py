"""Background jobs: the queue table shown to editors (a proxy of django-tasks-db's) and coalescing keys."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def grant(apps, schema_editor):
    """Editors see the background jobs and may retry failed ones; writers do not see them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="articles",
                                                      codename__in=["view_backgroundjob", "change_backgroundjob"]))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_gate_rules'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [
        migrations.CreateModel(
            name='BackgroundJob',
            fields=[
            ],
            options={
                'verbose_name': '背景工作',
                'verbose_name_plural': '背景工作',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('django_tasks_database.dbtaskresult',),
        ),
        migrations.CreateModel(
            name='JobKey',
            fields=[
                ('result', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='job_key', serialize=False, to='django_tasks_database.dbtaskresult', verbose_name='工作')),
                ('key', models.CharField(db_index=True, help_text='同一個鍵的工作在開始執行前只會排一次，例如 render:article:12。', max_length=200, verbose_name='合併鍵')),
                ('waiting', models.BooleanField(default=True, help_text='工作尚未開始執行；開始執行後，同一個鍵的新工作會另外排入。', verbose_name='等待執行')),
            ],
            options={
                'verbose_name': '工作合併鍵',
                'verbose_name_plural': '工作合併鍵',
                'constraints': [models.UniqueConstraint(condition=models.Q(('waiting', True)), fields=('key',), name='jobkey_one_waiting_per_key')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
