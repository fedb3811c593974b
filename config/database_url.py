"""``DATABASE_URL`` to Django's ``DATABASES`` entry."""

from urllib.parse import unquote, urlsplit

import environ


def database_from_url(url: str) -> dict:
    """Parse a ``postgres://`` URL, including libpq's form for a Unix socket.

    libpq (and the README) write a socket directory as the percent-encoded host:
    ``postgres://user@%2Fvar%2Frun%2Fpostgresql:5432/atlas``. django-environ reads that host
    as a lower-cased DNS name, so the directory is taken from the URL as written.
    """
    config = environ.Env.db_url_config(url)
    host = urlsplit(url).netloc.rpartition("@")[2].rsplit(":", 1)[0]
    if host[:3].lower() == "%2f":
        config["HOST"] = unquote(host)
    return config
