# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    PORTAL_VAR_DIR=/app/var

# The same Debian packages scripts/bootstrap installs for running the portal: CJK fonts and
# Pango/HarfBuzz for WeasyPrint's PDFs, gettext for the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9 \
    && uv venv /opt/venv

WORKDIR /app

# The runtime dependencies of pyproject.toml at exactly the versions requirements.lock pins
# (the lock also holds the dev group: pytest, moto, playwright, which production does not need).
COPY pyproject.toml requirements.lock ./
RUN uv pip install --no-cache --python /opt/venv/bin/python -r pyproject.toml -c requirements.lock

COPY . .

# Static files and translations belong to the image. SECRET_KEY here only lets settings load:
# the running containers get theirs from the environment.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0 \
    && if [ -d locale ]; then SECRET_KEY=compilemessages-only python manage.py compilemessages --verbosity 0; fi \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var \
    && chown -R portal /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-"]
