#!/bin/sh
# Apply database migrations, then start the given command (gunicorn by default).
set -e
flask --app wsgi db upgrade
exec "$@"
