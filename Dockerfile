# Production image: gunicorn as a non-root user; migrations applied at container start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    APP_ENV=production

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 app

WORKDIR /app
COPY pyproject.toml README.md wsgi.py docker-entrypoint.sh ./
COPY inspection ./inspection
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
# Editable install: templates/ and static/ are found beside the package, as in development.
RUN pip install -e .
RUN mkdir -p /app/instance && chown -R app:app /app/instance

USER app
VOLUME ["/app/instance"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
ENTRYPOINT ["./docker-entrypoint.sh"]
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-", "wsgi:app"]
