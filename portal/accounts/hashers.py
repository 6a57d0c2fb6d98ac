"""The password hashers, at costs chosen for a 2-core server on deadline day (docs/SECURITY.md,
measured with scripts/bench_hashers.py).

argon2id with OWASP's first configuration (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1)
hashes new passwords: memory-hard, so a stolen database costs an
attacker 19 MiB per guess in flight, and one lane, so one login keeps to one core and two logins
use the two. Django's default (100 MiB, p = 8) was ~1 s per check here and starts 8 threads per
login on 2 cores.

PBKDF2 stays for the hashes already stored: Django 5.2's default of 1,000,000 iterations is
0.31 s of one core per check idle and 2–2.8 s under deadline-day load (issue 16); 600,000 is
OWASP's recommendation for PBKDF2-HMAC-SHA256. A PBKDF2 hash verifies and is re-encoded by the
first hasher at the next successful login (Django's check_password with setter).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19_456  # KiB
    parallelism = 1


class PortalPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 600_000
