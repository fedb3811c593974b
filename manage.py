#!/usr/bin/env python
"""Django's command-line utility for the Sex Work Law Atlas."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from config.embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError, allow_autostart

    serving = sys.argv[1:2] == ["runserver"]
    try:
        if serving and not os.environ.get("DATABASE_URL"):
            # Start the database here, once: the server's requests never start it (a stopped
            # database gives 503 pages), and a problem is reported in one line.
            EmbeddedPostgres.from_environment().ensure_running()
        elif not serving:
            # Commands (migrate, load_atlas, ...) may start the embedded server, and may run
            # statements longer than a web request's timeout.
            allow_autostart()
            os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
        execute_from_command_line(sys.argv)
    except EmbeddedPostgresError as error:
        # A broken local database is a set-up problem: say what, not where.
        print(f"embedded database: {error}", file=sys.stderr)
        sys.exit(1)
    except ImproperlyConfigured as error:
        # A missing setting (SECRET_KEY, DATABASE_URL in production): say which.
        print(f"configuration: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
