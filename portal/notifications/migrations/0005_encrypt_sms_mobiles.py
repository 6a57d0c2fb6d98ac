# Encrypt the SMS outbox's recipient numbers at rest; a blind index finds a number's messages
# (docs/SECURITY.md).

from django.db import migrations, models

import portal.core.encrypted_fields
from portal.core.encryption_migrations import EncryptColumns


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_outbox_purged_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="smsmessage", name="mobile", field=models.TextField(verbose_name="手机号码")
        ),
        migrations.AddField(
            model_name="smsmessage", name="mobile_index", field=models.CharField(max_length=64, null=True)
        ),
        EncryptColumns("smsmessage", {"mobile": "mobile"}),
        migrations.AlterField(
            model_name="smsmessage",
            name="mobile",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="mobile_index", max_length=11, verbose_name="手机号码"
            ),
        ),
        migrations.AlterField(
            model_name="smsmessage",
            name="mobile_index",
            field=portal.core.encrypted_fields.BlindIndexField(db_index=True, kind="mobile", source="mobile"),
        ),
    ]
