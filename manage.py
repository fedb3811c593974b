#!/usr/bin/env python
"""Django's command-line utility for the Sex Work Law Atlas."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from config.embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError

    try:
        if sys.argv[1:2] == ["runserver"] and not os.environ.get("DATABASE_URL"):
            # Start the database here, not in the autoreloader's worker thread, so a
            # problem is reported in one line rather than as a thread's traceback.
            EmbeddedPostgres.from_environment().ensure_running()
        execute_from_command_line(sys.argv)
    except EmbeddedPostgresError as error:
        # A broken local database is a set-up problem: say what, not where.
        print(f"embedded database: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
