"""gunicorn settings, read from the working directory by `gunicorn wsgi:app` (the Docker image's command).

The configuration is checked here, in gunicorn's master process, before any worker starts: an error prints
one line ("configuration error: …") on stderr and exits with status 2. Without this check every worker would
fail to boot with a traceback of its own. Command-line options still override the settings below.
"""
from inspection.config import ConfigError, instance_dir, load_config

try:
    load_config(instance_dir())
except ConfigError as exc:
    exc.show()
    raise SystemExit(exc.exit_code) from None

timeout = 120  # issuing a large circular is one request
