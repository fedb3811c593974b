"""Test settings: the same PostgreSQL mechanism as development, a separate test database."""

from .local import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# One test database per test run, so concurrent runs on the same server do not collide.
import os  # noqa: E402

DATABASES["default"]["TEST"] = {"NAME": f"test_atlas_{os.getpid()}"}  # noqa: F405
