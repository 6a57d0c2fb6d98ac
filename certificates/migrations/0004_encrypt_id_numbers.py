# Encrypt certificate holders' and collectors' ID numbers at rest (docs/SECURITY.md).

from django.db import migrations, models

import portal.core.encrypted_fields
from portal.core.encryption_migrations import EncryptColumns


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_document_kind_cover"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate", name="id_number", field=models.TextField(verbose_name="身份证号码")
        ),
        migrations.AlterField(
            model_name="handover",
            name="collector_id_number",
            field=models.TextField(blank=True, verbose_name="领取人证件号码"),
        ),
        migrations.AddField(
            model_name="certificate", name="id_number_index", field=models.CharField(max_length=64, null=True)
        ),
        EncryptColumns("certificate", {"id_number": "id_number"}),
        EncryptColumns("handover", {"collector_id_number": None}),
        migrations.AlterField(
            model_name="certificate",
            name="id_number",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="id_number_index", max_length=18, verbose_name="身份证号码"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="id_number_index",
            field=portal.core.encrypted_fields.BlindIndexField(db_index=True, kind="id_number", source="id_number"),
        ),
        migrations.AlterField(
            model_name="handover",
            name="collector_id_number",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blank=True, max_length=18, verbose_name="领取人证件号码"
            ),
        ),
    ]
