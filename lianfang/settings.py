"""Settings for Lianfang, read from the environment in one place.

Every variable is documented in `.env.example`. With DEBUG off (production), a missing secret
stops the start with a clear error instead of falling back to a default.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets generic classes such as ModelAdmin[Model] be written at run time, as the type checker wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_file(path: Path) -> None:
    """Load KEY=VALUE lines from a local .env file without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_env_file(Path(os.environ.get("LIANFANG_ENV_FILE", BASE_DIR / ".env")))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")


def secret(name: str, dev_value: str) -> str:
    """A secret from the environment; only a development run may use the built-in value."""
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return dev_value
    raise ImproperlyConfigured(
        f"{name} is not set. Production (DEBUG off) needs it in the environment; see .env.example."
    )


SECRET_KEY = secret("SECRET_KEY", "dev-only-insecure-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# Key for personal-data encryption (base64 of 32 bytes); never stored in the database.
DATA_KEY = secret("LIANFANG_DATA_KEY", "ZGV2LW9ubHktZGF0YS1rZXktMzItYnl0ZXMtbG9uZyE=")
# Key for the audit chain's HMAC; kept outside the database so that rows cannot be re-sealed.
AUDIT_KEY = secret("LIANFANG_AUDIT_KEY", "dev-only-audit-chain-key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set. Production needs the site's host names.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(os.environ.get("LIANFANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "lianfang.core.accounts",  # before admin: it owns the user model and the admin site
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "lianfang.core.regions",
    "lianfang.core.calendar",
    "lianfang.core.people",
    "lianfang.core.units",
    "lianfang.core.files",
    "lianfang.core.flows",
    "lianfang.core.duties",
    "lianfang.core.inspections",
    "lianfang.core.cases",
    "lianfang.core.notices",
    "lianfang.volunteers",
    "lianfang.core.ledgers",
    "lianfang.core.audit",
    "lianfang.core.backups",
    "lianfang.core.retention",
    "lianfang.core.figures",
    "lianfang.core.demo",
    "lianfang.enterprises",
    "lianfang.schools",
    "lianfang.markets",
    "lianfang.care",
    "lianfang.command",
]

MIDDLEWARE = [
    "lianfang.core.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lianfang.core.language.ChineseFirstLocaleMiddleware",
    "lianfang.core.null_bytes.NullByteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lianfang.core.accounts.middleware.SecondFactorMiddleware",
    "lianfang.core.accounts.middleware.PasswordChangeMiddleware",
    "lianfang.core.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lianfang.urls"
WSGI_APPLICATION = "lianfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lianfang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "lianfang.core.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lianfang.sqlite3'}"), conn_max_age=60
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction so that two writers queue instead of failing mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests run on a file too, not in memory: concurrent submissions are tested the way they happen.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# A streaming replica of PostgreSQL for the figures, their drill-down and the command view
# (lianfang/core/replica.py); every other read and every write stays on the primary.
REPLICA_URL = os.environ.get("LIANFANG_REPLICA_URL", "")
if REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests that configure a replica read the test database through it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lianfang.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout by username *and* address, so nobody can lock the commander out from elsewhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Besides each account from each address: any address with this many failures within an hour is
# locked out whatever account it tries (lianfang.core.accounts.lockout).
AXES_HANDLER = "lianfang.core.accounts.lockout.AccountAndAddressLockout"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LIANFANG_LOCKOUT_PER_ADDRESS = int(os.environ.get("LIANFANG_LOCKOUT_PER_ADDRESS", "50"))
# Alerts on unusual access (core/notices/alerts.py): more than this many in the window notifies
# the auditors (reveals, unmasked exports and reveals' accounts pass the second factor again;
# registrations of people on file elsewhere per day) or the system administrators (accounts locked
# out from one address in an hour).
LIANFANG_ALERT_REVEALS = int(os.environ.get("LIANFANG_ALERT_REVEALS", "20"))
LIANFANG_ALERT_UNMASKED_EXPORTS = int(os.environ.get("LIANFANG_ALERT_UNMASKED_EXPORTS", "3"))
LIANFANG_ALERT_PENDING = int(os.environ.get("LIANFANG_ALERT_PENDING", "200"))
LIANFANG_ALERT_LOCKOUTS = int(os.environ.get("LIANFANG_ALERT_LOCKOUTS", "5"))
# How many reverse proxies stand in front: the client's address is then read from X-Forwarded-For
# (the entry the outermost trusted proxy appended), for lockout and the audit log alike.
PROXY_COUNT = int(os.environ.get("LIANFANG_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "lianfang.core.audit.middleware.client_ip"

# Sessions end after 30 idle minutes: each request renews the cookie.
SESSION_ENGINE = "lianfang.core.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lianfang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates read 2022年1月14日 (lianfang/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["lianfang.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Evidence files (core/files). An object store instead: docs/deploy.md, "Shared evidence files".
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o640, "directory_permissions_mode": 0o750},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("LIANFANG_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Evidence files, outside the web root; they are served by views that check access. With more than one
# app server this must be storage they all share (a mounted share, or django-storages' S3 backend:
# see docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("LIANFANG_MEDIA_ROOT", VAR_DIR / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lianfang.core.accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "lianfang.core.api.permissions.QueryWithoutNul",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lianfang.core.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lianfang.core.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "lianfang.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# JSON bodies nesting deeper than this are refused (400); no form of ours nests beyond a few levels.
LIANFANG_JSON_MAX_DEPTH = int(os.environ.get("LIANFANG_JSON_MAX_DEPTH", "32"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=8),
    "TOKEN_LIMIT_PER_USER": 5,
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "联防 Lianfang API",
    "DESCRIPTION": "联防联控 system of record. Errors share one shape: "
    '{"message": "<Chinese message>", "fields": {"<field>": ["<message>"]}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "kind" or a "state"; each set of choices gets its own name in the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lianfang.core.api.schema.document_error_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "lianfang.core.cases.states.State",
        "VolunteerTaskKindEnum": "lianfang.volunteers.models.TaskKind",
        "ShopInspectionKindEnum": "lianfang.markets.states.Kind",
        "ShopInspectionOutcomeEnum": "lianfang.markets.states.Outcome",
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
_huey_common = {
    "name": "lianfang",
    "utc": False,  # crontab() in Asia/Shanghai time
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    HUEY = {**_huey_common, "huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY = {**_huey_common, "huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# Append-only file of audit-chain checkpoints; outside the database so that deleting the
# newest audit rows (with their seals) cannot go unnoticed.
# Audit rows must be sealed into the chain within this many seconds (the sequencer runs every
# minute under `lianfang run_huey`); `audit verify` fails on older unsealed rows.
AUDIT_SEAL_MAX_LAG = int(os.environ.get("LIANFANG_AUDIT_SEAL_MAX_LAG", "300"))
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("LIANFANG_AUDIT_CHECKPOINTS", VAR_DIR / "audit-checkpoints.log"))

# Roles whose users must pass a TOTP second factor.
OTP_REQUIRED_ROLES = ("auditor", "sysadmin")
OTP_TOTP_ISSUER = "联防 Lianfang"

# Logs go to stderr (the service manager keeps them), each line with the request's id; errors
# of django.request (every server error, with its traceback) and django.security included.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lianfang.core.request_ids.RequestIdFilter"}},
    "formatters": {
        "lines": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_id"],
            "formatter": "lines",
        }
    },
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "WARNING"},
        "lianfang": {"handlers": ["stderr"], "level": "INFO"},
    },
}

PRODUCT_NAME = _("Lianfang")

# Personal data: the cipher (aes-256-gcm, or sm4-gcm for 商用密码 assessments) and, during a key
# rotation, the previous key so that old ciphertexts stay readable until re-encrypted.
DATA_CIPHER = os.environ.get("LIANFANG_CIPHER", "aes-256-gcm")
DATA_KEY_PREVIOUS = os.environ.get("LIANFANG_DATA_KEY_PREVIOUS", "")
# Largest Excel file accepted for an import, in bytes.
IMPORT_MAX_BYTES = int(os.environ.get("LIANFANG_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Largest evidence file (photo, PDF, Word or Excel attachment) accepted, in bytes.
UPLOAD_MAX_BYTES = int(os.environ.get("LIANFANG_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Uploads we accept are read in memory, never spooled to a temporary file: a ledger holds plaintext
# identity numbers and phones, and a temporary file outlives a worker that is killed.
FILE_UPLOAD_MAX_MEMORY_SIZE = max(IMPORT_MAX_BYTES, UPLOAD_MAX_BYTES)
# Channels that notifications go out through (dotted paths); the in-app list is always kept.
NOTIFY_CHANNELS = env_list("LIANFANG_NOTIFY_CHANNELS", "lianfang.core.notices.channels.InAppChannel")
# Shortest volunteer shift, in hours: a check-out sooner after the check-in is refused (a tap on
# the wrong row, not work done). Staff can still correct the hours with a reason.
MIN_SHIFT_HOURS = Decimal(os.environ.get("LIANFANG_MIN_SHIFT_HOURS", "0.5"))
# The share of the full demo's bulk that `lianfang demo` loads (1: 18,000 students; tests: small).
DEMO_SCALE = min(1.0, max(0.001, float(os.environ.get("LIANFANG_DEMO_SCALE", "1"))))
# Schools: the short code of the department told of cluster alerts besides the education bureau
# (区疾控中心), and how many answers a guardian's link takes from one address in ten minutes.
LIANFANG_DISEASE_CONTROL = os.environ.get("LIANFANG_DISEASE_CONTROL", "jkzx")
GUARDIAN_LINK_TRIES = max(3, int(os.environ.get("LIANFANG_GUARDIAN_LINK_TRIES", "30")))
# Markets (红黑旗): a second black flag within this many days is a suspension order; the hour the
# teams are reminded of their shops not yet inspected that day; the days given to rectify after a
# black flag and after a suspension; and the suspension notice's 文号 prefix, issuing authority and
# legal basis.
MARKETS_REPEAT_BLACK_DAYS = max(1, int(os.environ.get("LIANFANG_MARKETS_REPEAT_BLACK_DAYS", "3")))
MARKETS_REMINDER_AT = os.environ.get("LIANFANG_MARKETS_REMINDER_AT", "16:00")
MARKETS_BLACK_RECTIFY_DAYS = max(1, int(os.environ.get("LIANFANG_MARKETS_BLACK_RECTIFY_DAYS", "3")))
MARKETS_SUSPENSION_RECTIFY_DAYS = max(1, int(os.environ.get("LIANFANG_MARKETS_SUSPENSION_RECTIFY_DAYS", "7")))
MARKETS_NOTICE_PREFIX = os.environ.get("LIANFANG_MARKETS_NOTICE_PREFIX", "上市监停字")
MARKETS_AUTHORITY = os.environ.get("LIANFANG_MARKETS_AUTHORITY", "郑州市上街区市场监督管理局")
MARKETS_LEGAL_BASIS = os.environ.get(
    "LIANFANG_MARKETS_LEGAL_BASIS",
    "《中华人民共和国传染病防治法》第三十九条、第四十二条，《突发公共卫生事件应急条例》第三十三条",
)
# Care (敲门行动+暖心服务, 临时救助). The monthly 低保 standards, urban (社区) and rural (村), each with
# the day it takes effect ("date:urban:rural;…"); the relief caps as multiples of the standard per
# household, each with the level that approves up to it ("level:multiple;…", lowest first); the
# working days the subdistrict has to approve; the shortest public notice (days); the months within
# which a second application for the same cause is flagged; the working days an advance's papers
# are due in; whether an epidemic-period emergency ignores 户籍; and the short code of 区民政局.
CARE_STANDARDS = os.environ.get("LIANFANG_CARE_STANDARDS", "2021-07-01:840:600;2022-07-01:880:640")
CARE_RELIEF_LEVELS = os.environ.get("LIANFANG_CARE_RELIEF_LEVELS", "subdistrict:3;civil_affairs:12")
CARE_APPROVAL_WORKING_DAYS = max(1, int(os.environ.get("LIANFANG_CARE_APPROVAL_WORKING_DAYS", "10")))
CARE_PUBLICITY_DAYS = max(1, int(os.environ.get("LIANFANG_CARE_PUBLICITY_DAYS", "7")))
CARE_REPEAT_MONTHS = max(1, int(os.environ.get("LIANFANG_CARE_REPEAT_MONTHS", "12")))
CARE_ADVANCE_PAPERS_DAYS = max(1, int(os.environ.get("LIANFANG_CARE_ADVANCE_PAPERS_DAYS", "5")))
CARE_EPIDEMIC_ANY_HUKOU = env_bool("LIANFANG_CARE_EPIDEMIC_ANY_HUKOU", True)
CARE_CIVIL_AFFAIRS = os.environ.get("LIANFANG_CARE_CIVIL_AFFAIRS", "mzj")
# The bulletin (上街信息): its masthead, the issuing office that signs it, the department whose staff
# edit it (区委办), the distribution block (报/送/发, one line each, "|" between them) and the copies
# printed (共印X份), as the documents print them.
BULLETIN_MASTHEAD = os.environ.get("LIANFANG_BULLETIN_MASTHEAD", "上街信息")
BULLETIN_OFFICE = os.environ.get("LIANFANG_BULLETIN_OFFICE", "中共上街区委办公室")
BULLETIN_EDITORS = os.environ.get("LIANFANG_BULLETIN_EDITORS", "qwb")
BULLETIN_DISTRIBUTION = [
    line.strip()
    for line in os.environ.get(
        "LIANFANG_BULLETIN_DISTRIBUTION",
        "报：市委办公厅，市疫情防控指挥部|送：区四大班子领导|发：各镇（街道）党（工）委，区直各单位",
    ).split("|")
    if line.strip()
]
BULLETIN_COPIES = max(1, int(os.environ.get("LIANFANG_BULLETIN_COPIES", "60")))
BULLETIN_TITLE = os.environ.get("LIANFANG_BULLETIN_TITLE", "我区各单位主动出击 联防联控")
# How often an open page asks for the bell's unread count, in seconds (not while its tab is hidden).
BELL_POLL_SECONDS = max(10, int(os.environ.get("LIANFANG_BELL_POLL_SECONDS", "60")))


def env_retention(name: str) -> dict[str, int | str]:
    """Retention periods chosen in the environment: "key=days,key=keep" (docs/data-protection.md)."""
    chosen: dict[str, int | str] = {}
    for part in filter(None, (p.strip() for p in os.environ.get(name, "").split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not key or not (value == "keep" or (value.isdigit() and int(value) > 0)):
            raise ImproperlyConfigured(f"{name}: {part!r} is not key=days or key=keep")
        chosen[key] = value if value == "keep" else int(value)
    return chosen


# How long personal records are kept once their purpose ends, by policy key (lianfang.core.retention):
# days, or "keep". Unset keys take the policy's default; `lianfang retention --dry-run` lists them.
LIANFANG_RETENTION = env_retention("LIANFANG_RETENTION")
