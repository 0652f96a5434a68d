"""Configuration from environment variables, with safe defaults for the embedded (SQLite) run."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("BSPOS_DATA_DIR", "var")).resolve()
DEBUG = env_flag("DEBUG")


def _secret_key() -> str:
    """SECRET_KEY from the environment; the embedded run keeps a generated one in the data dir."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",  # Content-Security-Policy header (its system checks catch a policy in the old 3.x settings format)
    "django_otp",  # second factor: one-time-password devices per user, verified with throttling (docs/operations.md)
    "django_otp.plugins.otp_totp",  # authenticator apps (RFC 6238)
    "django_otp_webauthn",  # passkeys (WebAuthn) as a second factor or to sign in alone (people.passkeys)
    "axes",  # login throttling by address and account (attempts in the database, unlock in the back office)
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs from its bundled static files, not a CDN
    "bspos.core",
    "bspos.people",
    "bspos.clients",
    "bspos.catalogue",
    "bspos.sla",
    "bspos.agreements",
    "bspos.assets",
    "bspos.servicedesk",
    "bspos.demo",
    "bspos.audit",
    "bspos.money",
    "bspos.scorecard",
    "bspos.vcio",
    "bspos.reviews",
    "bspos.knowledge",
    "bspos.recurring",
    "bspos.leadership",
    "bspos.intake",
    "bspos.mail",
    "bspos.notifications",
    "bspos.satisfaction",
    "bspos.imports",
    "bspos.portal",
    "bspos.api",
    "bspos.backups",
    "bspos.vault",
    "bspos.documentation",
    "bspos.timesheets",
    "bspos.projects",
    "bspos.foundation",
    "bspos.proposals",
    "bspos.schedule",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bspos.people.middleware.RequireSecondFactor",
    "bspos.core.middleware.UserTimeZone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bspos.urls"
WSGI_APPLICATION = "bspos.wsgi.application"
ASGI_APPLICATION = "bspos.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bspos.core.permissions.capabilities",
                "bspos.money.context_processors.currency",
            ],
        },
    },
]

_default_database = f"sqlite:///{DATA_DIR / 'bspos.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_database), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file, not shared-cache memory, so concurrent tests meet the same locking as production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend",
                           "django_otp_webauthn.backends.WebAuthnBackend"]  # signing in with a passkey alone
# Sign-in throttling (docs/operations.md): the 16th failed sign-in within 10 minutes from one address, or for one
# account, is refused with the lockout page until 10 minutes pass without another failure, or an owner or manager
# unlocks it in the back office (Axes › Access attempts) or with `bspos axes_reset`.
AXES_FAILURE_LIMIT = int(os.environ.get("BSPOS_LOGIN_FAILURE_LIMIT", "15")) + 1  # the limit's failures go through
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("BSPOS_LOGIN_LOCKOUT_MINUTES", "10")))
AXES_USE_ATTEMPT_EXPIRATION = True  # failures count within the window, not forever
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]  # second-factor codes never stored with attempts
AXES_IPWARE_PROXY_COUNT = int(os.environ["BSPOS_PROXY_COUNT"]) if os.environ.get("BSPOS_PROXY_COUNT") else None
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # a set-password link works once, for three days

LANGUAGE_CODE = os.environ.get("BSPOS_LANGUAGE", "en")  # month names and number separators (formats filters)
TIME_ZONE = os.environ.get("BSPOS_TIME_ZONE", "UTC")
# Where people reach this install: the links in notification emails (docs/notifications.md).
BSPOS_BASE_URL = os.environ.get("BSPOS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Sensitive actions (tokens, roles, vault reveals) ask for the password again after this long (people.reauth).
BSPOS_REAUTH_MINUTES = int(os.environ.get("BSPOS_REAUTH_MINUTES", "10"))
# BSPOS_REQUIRE_MFA=true: every staff role must enrol a second factor before reaching any page (people.two_factor).
BSPOS_REQUIRE_MFA = env_flag("BSPOS_REQUIRE_MFA")
OTP_TOTP_ISSUER = os.environ.get("BSPOS_MFA_ISSUER", "bspos")  # the name authenticator apps show
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next is checked (1 s, 2 s, 4 s, ...)
# Passkeys (people.passkeys): bound to the host name people open bspos at, unless BSPOS_PASSKEY_RP_ID names the
# domain (e.g. msp.example for bspos.msp.example); the origin checked is the request's own (a host ALLOWED_HOSTS lets
# in), so the library's OTP_WEBAUTHN_ALLOWED_ORIGINS list stays empty and its check for it is silenced below.
OTP_WEBAUTHN_RP_ID_CALLABLE = "bspos.people.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_HELPER_CLASS = "bspos.people.passkeys.PasskeyHelper"
BSPOS_PASSKEY_RP_ID = os.environ.get("BSPOS_PASSKEY_RP_ID", "")
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("BSPOS_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Files on tickets (servicedesk.attachments): the largest accepted, in bytes; 20 MB unless set.
ATTACHMENT_MAX_BYTES = int(os.environ.get("BSPOS_ATTACHMENT_MAX_BYTES") or 20 * 1024 * 1024)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Every email goes into the outbox (mail.backends); the mail job sends it over BSPOS_SMTP_* (docs/mail.md).
EMAIL_BACKEND = "bspos.mail.backends.OutboxBackend"
DEFAULT_FROM_EMAIL = os.environ.get("BSPOS_MAIL_FROM", "support@localhost")  # as mail.conf.from_address()

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Production behind a TLS-terminating proxy (docs/operations.md): BSPOS_SECURE=true turns on secure cookies, HSTS,
# the redirect to HTTPS and trusts the proxy's X-Forwarded-Proto. Off for the embedded run on http://127.0.0.1.
SECURE = env_flag("BSPOS_SECURE")
if SECURE:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_flag("BSPOS_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the container's health probe speaks plain HTTP inside the network
    SECURE_HSTS_SECONDS = int(os.environ.get("BSPOS_HSTS_SECONDS", str(365 * 24 * 3600)))
    # Both on by default; an owner who turns one off has decided, so the check's warning about it is silenced.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("BSPOS_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("BSPOS_HSTS_PRELOAD", True)
    SILENCED_SYSTEM_CHECKS += [check for check, on in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
                                                      ("security.W021", SECURE_HSTS_PRELOAD)) if not on]

# Content-Security-Policy (docs/operations.md), in every environment: scripts and styles only from our own static
# files (no inline script, no eval, no style attributes), nothing framed, forms post only here. BSPOS_CSP_REPORT_ONLY
# sends it as Content-Security-Policy-Report-Only (violations reported, nothing blocked); BSPOS_CSP_REPORT_URI is
# where browsers POST their violation reports.
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if os.environ.get("BSPOS_CSP_REPORT_URI"):
    _csp_directives["report-uri"] = [os.environ["BSPOS_CSP_REPORT_URI"]]
_csp_report_only = env_flag("BSPOS_CSP_REPORT_ONLY")
CONTENT_SECURITY_POLICY = None if _csp_report_only else {"DIRECTIVES": _csp_directives}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives} if _csp_report_only else None

# Intake rate limit (docs/operations.md): requests a minute each alert source may send, a minute's worth at once;
# a source's own "requests a minute" (back office) overrides it. Over it: 429 with Retry-After, nothing stored.
BSPOS_INTAKE_RATE_PER_MINUTE = int(os.environ.get("BSPOS_INTAKE_RATE_PER_MINUTE", "600"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
