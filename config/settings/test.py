"""Test settings: the same PostgreSQL mechanism as development, a separate test database."""

from .local import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105 (tests only)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# A stable name, so `pytest --reuse-db` can keep the test database between runs. Two runs at
# the same time against one server need different names: set TEST_DATABASE_NAME for one of them.
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_atlas")}  # noqa: F405

# Long enough never to cut a test short on a busy machine; a hung server still ends a test.
DATABASE_STATEMENT_TIMEOUT = 30.0

# Tests may lose their last commits in a crash: skip waiting for the WAL flush (per connection;
# the server itself keeps PostgreSQL's default durability).
_options = database_timeouts(DATABASES["default"].get("OPTIONS", {}), DATABASE_STATEMENT_TIMEOUT)  # noqa: F405
DATABASES = {  # a new dict: the development settings keep theirs
    **DATABASES,  # noqa: F405
    "default": {
        **DATABASES["default"],  # noqa: F405
        "OPTIONS": {**_options, "options": f"{_options.get('options', '')} -c synchronous_commit=off".strip()},
    },
}
