"""The password hasher, at a cost chosen for a 2-core server on deadline day (docs/SECURITY.md).

Django 5.2's PBKDF2 default of 1,000,000 iterations is 0.31 s of one core per check on the
project's machine idle, and 2–2.8 s per login under deadline-day load (issue 16). 600,000 is
OWASP's recommendation for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet, 2023): 0.18 s idle.
The algorithm name is Django's, so existing hashes verify, and Django re-encodes a hash at this
count at the next successful login (must_update compares the iterations).
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PortalPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 600_000
