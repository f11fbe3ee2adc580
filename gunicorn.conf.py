"""gunicorn settings, read from the working directory by `gunicorn wsgi:app` (the Docker image's command).

The configuration is checked here, in gunicorn's master process, before any worker starts: an error prints
one line ("configuration error: …") on stderr and exits with status 2. Without this check every worker would
fail to boot with a traceback of its own. Command-line options still override the settings below.
The access log is written in the app's own line format, with the request id the app sends back.
"""
import time

from gunicorn.glogging import Logger

from inspection.config import ConfigError, instance_dir, load_config
from inspection.core.logs import iso_time

try:
    load_config(instance_dir())
except ConfigError as exc:
    exc.show()
    raise SystemExit(exc.exit_code) from None

timeout = 120  # issuing a large circular is one request


class AccessLogger(Logger):
    """gunicorn's logger with ISO 8601 times, so its access log lines up with the app's log lines."""

    def now(self) -> str:
        """Return the current time as the app's log writes it (ISO 8601 with offset)."""
        return iso_time(time.time())


# One shape for every line: time, level, [request id], logger name, message (see inspection/core/logs.py).
logger_class = AccessLogger
accesslog = "-"
access_log_format = '%(t)s INFO [%({x-request-id}o)s] gunicorn.access: %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
