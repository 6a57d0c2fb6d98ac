# Encrypt users' ID numbers and mobiles (and verification codes' mobiles) at rest; the blind
# indexes take over look-ups and uniqueness (docs/SECURITY.md, "Encryption at rest").

from django.db import migrations, models

import portal.core.encrypted_fields
from portal.core.encryption_migrations import EncryptColumns


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_mobile_code"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="mobilecode", name="accounts_mo_mobile_bc5b19_idx"),
        # 1. Clear columns become text columns wide enough for ciphertext; index columns appear.
        migrations.AlterField(
            model_name="user", name="id_number", field=models.TextField(unique=True, verbose_name="身份证号码")
        ),
        migrations.AlterField(
            model_name="user", name="mobile", field=models.TextField(unique=True, verbose_name="手机号码")
        ),
        migrations.AlterField(model_name="mobilecode", name="mobile", field=models.TextField(verbose_name="手机号码")),
        migrations.AddField(
            model_name="user", name="id_number_index", field=models.CharField(max_length=64, null=True)
        ),
        migrations.AddField(model_name="user", name="mobile_index", field=models.CharField(max_length=64, null=True)),
        migrations.AddField(
            model_name="mobilecode", name="mobile_index", field=models.CharField(max_length=64, null=True)
        ),
        # 2. Encrypt in place, fill the indexes (reversible: decrypts).
        EncryptColumns("user", {"id_number": "id_number", "mobile": "mobile"}),
        EncryptColumns("mobilecode", {"mobile": "mobile"}),
        # 3. The fields as the models declare them.
        migrations.AlterField(
            model_name="user",
            name="id_number",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="id_number_index", max_length=18, unique=True, verbose_name="身份证号码"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="id_number_index",
            field=portal.core.encrypted_fields.BlindIndexField(kind="id_number", source="id_number", unique=True),
        ),
        migrations.AlterField(
            model_name="user",
            name="mobile",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="mobile_index", max_length=11, unique=True, verbose_name="手机号码"
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="mobile_index",
            field=portal.core.encrypted_fields.BlindIndexField(kind="mobile", source="mobile", unique=True),
        ),
        migrations.AlterField(
            model_name="mobilecode",
            name="mobile",
            field=portal.core.encrypted_fields.EncryptedCharField(
                blind_index="mobile_index", max_length=11, verbose_name="手机号码"
            ),
        ),
        migrations.AlterField(
            model_name="mobilecode",
            name="mobile_index",
            field=portal.core.encrypted_fields.BlindIndexField(kind="mobile", source="mobile"),
        ),
        migrations.AddIndex(
            model_name="mobilecode",
            index=models.Index(fields=["mobile_index", "purpose", "created_at"], name="mobilecode_lookup"),
        ),
    ]
