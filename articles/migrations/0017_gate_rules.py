"""The gate's rules, each in one home.

* ``Article.listed_at`` becomes a column the database computes from ``status`` and ``publish_at``, so no write
  (a queryset ``update()`` included) can leave it disagreeing with them. A column cannot be altered into a
  generated one: it is dropped and added again, with its two indexes.
* Sources keep their default copyright notice in both scripts; articles keep only their own notice's variants
  (the source's is read when the page is shown, so a new default reaches every article).
* Two audit actions: 授權到期下架 and 圖片資訊變更.
"""

from django.db import migrations, models


def derive_notices(apps, schema_editor):
    from articles.text import chinese

    Source = apps.get_model("articles", "Source")
    Article = apps.get_model("articles", "Article")
    for source in Source.objects.exclude(copyright_notice=""):
        source.copyright_hant = chinese.to_hant(source.copyright_notice)
        source.copyright_hans = chinese.to_hans(source.copyright_notice)
        source.save(update_fields=["copyright_hant", "copyright_hans"])
    # The frozen copies of a source's notice: an article without its own now shows the source's current one.
    Article.objects.filter(copyright_notice="").update(copyright_hant="", copyright_hans="")


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0016_page_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="copyright_hans",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="source",
            name="copyright_hant",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(derive_notices, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="article", name="article_listed"),
        migrations.RemoveIndex(model_name="article", name="article_source_listed"),
        migrations.RemoveField(model_name="article", name="listed_at"),
        migrations.AddField(
            model_name="article",
            name="listed_at",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(models.When(status__in=["published", "scheduled"],
                                                   then=models.F("publish_at"))),
                null=True,
                output_field=models.DateTimeField(blank=True, null=True),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["-listed_at", "-id"], name="article_listed"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["source", "-listed_at", "-id"], name="article_source_listed"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[("publish", "發布"), ("unpublish", "下架"), ("schedule", "排程"), ("archive", "封存"),
                         ("restore", "還原版本"), ("send_back", "退回修改"), ("permission", "轉載授權變更"),
                         ("glossary_add", "新增詞條"), ("glossary_change", "修改詞條"),
                         ("glossary_delete", "刪除詞條"), ("lapsed_down", "授權到期下架"),
                         ("image_details", "圖片資訊變更")],
                max_length=20, verbose_name="動作"),
        ),
    ]
