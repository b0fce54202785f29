"""Settings for the benchmark server: production settings, reachable over plain HTTP on loopback.

DEBUG stays off so that nothing the benchmark measures (query logging above all) differs from production.
"""

from lianfang.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Production redirects to HTTPS and marks cookies secure; the benchmark speaks plain HTTP on loopback.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.urls"
# This package as an app: its duties.py declares the duty the duties benchmarks measure.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
