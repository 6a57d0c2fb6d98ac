"""CurrentTitle.obtained_by stored the Chinese word (认定, 评审, …), so the English interface
showed Chinese; it now stores the code of catalog.ObtainedBy and translates at display."""

from django.db import migrations, models

WORD_TO_CODE = {"认定": "recognition", "评审": "evaluation", "考试": "exam", "过渡": "transition"}


def words_to_codes(apps, schema_editor):
    CurrentTitle = apps.get_model("applications", "CurrentTitle")
    for word, code in WORD_TO_CODE.items():
        CurrentTitle.objects.filter(obtained_by=word).update(obtained_by=code)


def codes_to_words(apps, schema_editor):
    CurrentTitle = apps.get_model("applications", "CurrentTitle")
    for word, code in WORD_TO_CODE.items():
        CurrentTitle.objects.filter(obtained_by=code).update(obtained_by=word)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_workflow_records"),
    ]

    operations = [
        migrations.RunPython(words_to_codes, codes_to_words),
        migrations.AlterField(
            model_name="currenttitle",
            name="obtained_by",
            field=models.CharField(
                blank=True,
                choices=[("recognition", "认定"), ("evaluation", "评审"), ("exam", "考试"), ("transition", "过渡")],
                max_length=20,
                verbose_name="取得方式",
            ),
        ),
    ]
