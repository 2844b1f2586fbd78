"""The portal's Django settings, all from the environment, with defaults for one machine.

| variable | default | what it sets |
| --- | --- | --- |
| ``SR_PORTAL_DIR`` | ``.portal/`` | embedded store (SQLite), uploads, secret key |
| ``SR_PORTAL_DB_URL`` | (SQLite in ``SR_PORTAL_DIR``) | ``postgresql://user:pw@host:port/db`` |
| ``SR_PORTAL_SECRET_KEY`` | (generated once, 0600) | Django's signing key |
| ``SR_PORTAL_ALLOWED_HOSTS`` | ``127.0.0.1,localhost`` | host names the portal answers to |
| ``SR_PORTAL_TRUSTED_ORIGINS`` | (none) | origins allowed to post forms (behind a proxy) |
| ``SR_PORTAL_SECURE_COOKIES`` | off | cookies only over HTTPS (set it behind TLS) |
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sr_pipeline.settings import project_root


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else project_root() / path


PORTAL_DIR = _path(os.environ.get("SR_PORTAL_DIR") or ".portal")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


def _secret_key() -> str:
    if os.environ.get("SR_PORTAL_SECRET_KEY"):
        return os.environ["SR_PORTAL_SECRET_KEY"]
    path = PORTAL_DIR / "secret_key"
    if not path.exists():
        PORTAL_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()  # another process made it first
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text().strip()


def _database() -> dict:
    url = os.environ.get("SR_PORTAL_DB_URL")
    if not url:
        PORTAL_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(PORTAL_DIR / "portal.sqlite3")}
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SR_PORTAL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SR_PORTAL_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
SECURE = os.environ.get("SR_PORTAL_SECURE_COOKIES", "") not in ("", "0")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
USE_X_FORWARDED_HOST = bool(CSRF_TRUSTED_ORIGINS)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "sr_pipeline.portal",
]
MIDDLEWARE = [
    "sr_pipeline.portal.limits.UploadLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "sr_pipeline.portal.urls"
WSGI_APPLICATION = "sr_pipeline.portal.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LANGUAGE_CODE = "en"
USE_I18N = False
TIME_ZONE = "Africa/Bamako"
USE_TZ = True
FILE_UPLOAD_HANDLERS = ["sr_pipeline.portal.limits.LimitedUploadHandler"]
FILE_UPLOAD_TEMP_DIR = None
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # form fields other than the file
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
