# Encrypt the expert pool's mobiles at rest (docs/SECURITY.md).

from django.db import migrations, models

import portal.core.encrypted_fields
from portal.core.encryption_migrations import EncryptColumns


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_online_review_rubrics_and_scores"),
    ]

    operations = [
        migrations.AlterField(model_name="expert", name="mobile", field=models.TextField(verbose_name="联系电话")),
        EncryptColumns("expert", {"mobile": None}),
        migrations.AlterField(
            model_name="expert",
            name="mobile",
            field=portal.core.encrypted_fields.EncryptedCharField(max_length=11, verbose_name="联系电话"),
        ),
    ]
