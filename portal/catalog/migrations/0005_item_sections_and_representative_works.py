"""Which sections an item asks for (data per item) and how many representative works a series'
evaluations may mark. Existing items get the sections their catalogue row now names."""

from django.db import migrations, models

# The catalogue's items.json at this change: items not named ask for every section.
ITEM_SECTIONS = {
    "initial_recognition": ["basic", "education", "work"],
    "mobile_confirmation": ["basic", "current_title", "education", "work"],
    "reissue": ["basic", "current_title"],
}


def set_sections(apps, schema_editor):
    Item = apps.get_model("catalog", "Item")
    for code, sections in ITEM_SECTIONS.items():
        Item.objects.filter(code=code, sections=[]).update(sections=sections)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_committee_hides_identity_in_review")]

    operations = [
        migrations.AddField(
            model_name="item",
            name="sections",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="本事项申报时须填写的栏目代码（如 basic、education、work）；留空表示全部栏目。",
                verbose_name="填报栏目",
            ),
        ),
        migrations.AddField(
            model_name="series",
            name="representative_works_max",
            field=models.PositiveSmallIntegerField(
                default=5,
                help_text="职称评审时申报人可从个人业务档案中标记为代表作的成果（课题、专利、获奖、著作、论文）最多件数。",
                verbose_name="代表作最多件数",
            ),
        ),
        migrations.RunPython(set_sections, migrations.RunPython.noop),
    ]
