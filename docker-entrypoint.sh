#!/bin/sh
# `migrate` applies the database migrations and stops; any other command (gunicorn by default) runs as given,
# after the migrations only when RUN_MIGRATIONS=1 (one container alone; never with several app replicas).
set -e
if [ "$1" = "migrate" ]; then
    shift
    exec flask --app wsgi db upgrade "$@"
fi
case "${RUN_MIGRATIONS:-0}" in
    1) flask --app wsgi db upgrade ;;
    0 | "") ;;
    *) echo "configuration error: RUN_MIGRATIONS must be 1 or 0, got '$RUN_MIGRATIONS'" >&2; exit 2 ;;
esac
exec "$@"
