# Encrypt the filed snapshot (one document) and the blacklist's ID numbers at rest
# (docs/SECURITY.md, "Encryption at rest").

from django.db import migrations, models

import portal.core.encrypted_fields
from portal.core.encryption_migrations import EncryptColumns


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_personal_record"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="filed_content",
            field=models.TextField(blank=True, editable=False, null=True, verbose_name="提交时的申报内容"),
        ),
        migrations.AlterField(
            model_name="blacklist", name="id_number", field=models.TextField(verbose_name="身份证号码")
        ),
        migrations.AddField(
            model_name="blacklist", name="id_number_index", field=models.CharField(max_length=64, null=True)
        ),
        EncryptColumns("application", {"filed_content": None}),
        EncryptColumns("blacklist", {"id_number": "id_number"}),
        migrations.AlterField(
            model_name="application",
            name="filed_content",
            field=portal.core.encrypted_fields.EncryptedJSONField(
                blank=True, editable=False, null=True, verbose_name="提交时的申报内容"
            ),
        ),
        migrations.AlterField(
            model_name="blacklist",
            name="id_number",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="id_number_index", max_length=18, verbose_name="身份证号码"
            ),
        ),
        migrations.AlterField(
            model_name="blacklist",
            name="id_number_index",
            field=portal.core.encrypted_fields.BlindIndexField(db_index=True, kind="id_number", source="id_number"),
        ),
    ]
