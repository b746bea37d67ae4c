"""Labels only: the tag's name and slug read 名稱 / 網址代稱 in the admin (no change to the database schema)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0023_traditional_slugs_and_variants"),
    ]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="name",
            field=models.CharField(help_text="以繁體儲存；輸入簡體也會轉為繁體，簡體版自動產生。", max_length=100,
                                   unique=True, verbose_name="名稱"),
        ),
        migrations.AlterField(
            model_name="tag",
            name="slug",
            field=models.SlugField(allow_unicode=True,
                                   help_text="出現在標籤頁網址中，一律使用繁體；改了之後，舊網址會永久轉址到新網址。",
                                   max_length=100, unique=True, verbose_name="網址代稱"),
        ),
    ]
