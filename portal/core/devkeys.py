"""The published development keys for encrypted fields (stdlib only: portal/settings.py imports it).

The embedded stack (scripts/run, the tests) needs no configuration, so it encrypts under these;
the production shape refuses to start with them (portal/settings.py), and `manage.py check`
warns wherever they are in use (portal/core/checks.py)."""

import base64
import hashlib

DEV_FIELD_ENCRYPTION_KEY = "dev:" + base64.b64encode(hashlib.sha256(b"portal dev field key").digest()).decode()
DEV_BLIND_INDEX_KEY = base64.b64encode(hashlib.sha256(b"portal dev blind index key").digest()).decode()
