"""Test settings: the same PostgreSQL mechanism as development, a separate test database."""

from .local import *  # noqa: F403
from .local import DATABASES, database_timeouts, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105 (tests only)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# The test run adds a fingerprint of the migrations (test_atlas_<fingerprint>, tests/conftest.py),
# so `pytest --reuse-db` keeps the database only while they are unchanged. Two runs at the same
# time against one server need different names: set TEST_DATABASE_NAME for one of them.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_atlas")}

# Long enough never to cut a test short on a busy machine; a hung server still ends a test.
DATABASE_STATEMENT_TIMEOUT = 30.0

# Tests may lose their last commits in a crash: skip waiting for the WAL flush (per connection;
# the server itself keeps PostgreSQL's default durability).
_options = database_timeouts(DATABASES["default"].get("OPTIONS", {}), DATABASE_STATEMENT_TIMEOUT)
DATABASES = {  # a new dict: the development settings keep theirs
    **DATABASES,
    "default": {
        **DATABASES["default"],
        "OPTIONS": {**_options, "options": f"{_options.get('options', '')} -c synchronous_commit=off".strip()},
    },
}
