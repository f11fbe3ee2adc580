# Production image: gunicorn as a non-root user. Migrations are a separate step (`docker compose run --rm app
# migrate`, or RUN_MIGRATIONS=1 for a single container): see docs/deployment.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app

WORKDIR /app
# Dependencies first, exactly as locked (hash-checked): this layer is rebuilt only when the lock changes,
# so a code change does not download anything again. The lock pins the build backend (setuptools) too.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml setup.py MANIFEST.in README.md wsgi.py gunicorn.conf.py docker-entrypoint.sh ./
COPY inspection ./inspection
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
# Editable install without dependency resolution: the code stays in /app and instance/ is /app/instance, as
# in a checkout (a plain `pip install .` works too; it then keeps instance/ under INSTANCE_PATH).
RUN pip install --no-deps --no-build-isolation -e . \
    && mkdir -p /app/instance \
    && chown -R app:app /app/instance

USER app
VOLUME ["/app/instance"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
ENTRYPOINT ["./docker-entrypoint.sh"]
# gunicorn reads /app/gunicorn.conf.py, which checks the configuration before any worker starts.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-", "wsgi:app"]
