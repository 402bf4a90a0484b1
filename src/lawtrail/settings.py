"""Django settings. Every value that differs between deployments comes from the
environment through the typed readers in ``lawtrail.config``.

Embedded default (no environment at all): SQLite under ``var/``, local files under
``var/media``, tasks run eagerly (periodic jobs by ``lawtrail jobs``, which ``lawtrail
serve`` starts beside the web server), local-memory cache, DEBUG off, the secret key that
``lawtrail setup`` generated into ``var/secret-key``. Production sets DATABASE_URL
(PostgreSQL), REDIS_URL, CELERY_BROKER_URL (Celery worker + beat) and, for evidence,
LAWTRAIL_S3_BUCKET. See README.md "Production" and docs/operations.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lawtrail.config import BASE_DIR, env_bool, env_int, env_list, env_str, read_secret_key_file, var_dir
from lawtrail.ops.schedule import beat_schedule

VAR_DIR = var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless explicitly turned on (`make dev` turns it on for the development server).
DEBUG = env_bool("LAWTRAIL_DEBUG", False)
# LAWTRAIL_SECRET_KEY in production; the embedded default reads the key that `lawtrail setup`
# (and `make test`) generated once into var/secret-key. The constant is what is left when
# neither exists — and then the server refuses to start unless DEBUG is on.
INSECURE_DEFAULT_SECRET_KEY = "insecure-embedded-default-change-me"
SECRET_KEY = (
    env_str("LAWTRAIL_SECRET_KEY", "") or read_secret_key_file(VAR_DIR) or INSECURE_DEFAULT_SECRET_KEY
)
if not DEBUG and SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
    # Sessions, CSRF tokens and password-reset links are signed with it: never serve with
    # the published default outside debugging (docs/security.md).
    raise ImproperlyConfigured(
        "LAWTRAIL_SECRET_KEY 仍是公开的默认值：DEBUG 关闭时拒绝启动。请设置一个随机密钥（至少 50 个字符），或先运行 lawtrail setup 生成 var/secret-key。"
    )
ALLOWED_HOSTS = env_list("LAWTRAIL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LAWTRAIL_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "lawtrail.web.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc served from our static files: /api/docs/ works offline
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_celery_beat",  # the periodic schedule in the database, visible (and switchable) in the admin
    "django_celery_results",  # every job run, retry and failure with its traceback, in the admin
    "django_prometheus",
    "health_check",
    "lawtrail.core",
    "lawtrail.core.journal",
    "lawtrail.core.accounts",
    "lawtrail.core.calendar",  # label: workcalendar
    "lawtrail.core.vault",  # content-addressed file store (evidence, documents, archives)
    "lawtrail.core.notifications",  # 站内消息 and their channels (e-mail, SMS, 政务消息): docs/notifications.md
    "lawtrail.registry",
    "lawtrail.profiles",  # rule profiles: defined over the registry's divisions and agencies
    "lawtrail.cases",
    "lawtrail.review",
    "lawtrail.disclosure",
    "lawtrail.recording",
    "lawtrail.live",  # drones and body cameras, live: RTMP ingest (nginx), telemetry topics, the simulator
    "lawtrail.documents",  # 法律文书: filled, laid out to GB/T 9704, sealed, checked (issue 12)
    "lawtrail.archive",  # 一案一卷: the archive package of an archived case, verify-archive (issue 10)
    "lawtrail.web",
    "lawtrail.demo",
    "lawtrail.ops",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "log_request_id.middleware.RequestIDMiddleware",
    "lawtrail.ops.logs.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lawtrail.core.accounts.middleware.ServerHeaderMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # before anything parses the input: NUL and other control characters are refused here
    "lawtrail.core.inputs.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # idle timeout, second factor and password-change gates for every page and session API call
    "lawtrail.core.accounts.middleware.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lawtrail.core.errors.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "lawtrail.urls"
WSGI_APPLICATION = "lawtrail.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            # app templates, each <script> given the response's CSP nonce (see core/templates.py)
            "loaders": [("django.template.loaders.cached.Loader", ["lawtrail.core.templates.NonceLoader"])],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lawtrail.web.context.navigation",
            ],
        },
    },
]

# LAWTRAIL_DB_CONN_MAX_AGE: seconds a worker thread keeps its database connection (0 = a new
# connection per request). Production: 60 with health checks on, so each of the server's
# workers × threads holds one connection — size PostgreSQL's max_connections for all instances.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lawtrail.sqlite3'}"),
        conn_max_age=env_int("LAWTRAIL_DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
_PG = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if _PG and env_bool("LAWTRAIL_DB_PREPARED", True):
    # Server-side binding: psycopg prepares a statement run 5 times on a connection, so PostgreSQL
    # plans each of the hot reads once per connection instead of on every request (issue 14; with
    # persistent connections, LAWTRAIL_DB_CONN_MAX_AGE). Behind a PgBouncer in transaction mode older
    # than 1.21 (no prepared statements), set LAWTRAIL_DB_PREPARED=0 (docs/operations.md).
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
#: how many prepared statements psycopg keeps per connection (its own default is 100). A case's steps
#: from lead to archive run ~90 distinct statements, most once or twice a case, and the pages and
#: deliveries on the same connection run others: with 100, many were pushed out of psycopg's cache
#: (which also counts the runs towards the threshold) before their fifth run, and PostgreSQL planned
#: them again on every step (issue 14, docs/PERFORMANCE.md). Each kept statement holds its plan in
#: the server process of the connection.
LAWTRAIL_DB_PREPARED_MAX = env_int("LAWTRAIL_DB_PREPARED_MAX", 500)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the embedded server and a CLI command share the file. Memory-mapped
    # reads (up to 2 GiB of the file, SQLite's own ceiling): a page in the OS cache is read in place
    # instead of copied by a pread into the 2 MB page cache of each connection — what a search that
    # visits tens of thousands of rows or index entries pays for (issue 11, docs/PERFORMANCE.md).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=2147418112;",
    }

# The embedded default exempts its printed demo accounts from the second factor (a banner
# says so); nowhere else (docs/security.md). ``check --deploy`` warns when it is on.
LAWTRAIL_DEMO_2FA_EXEMPT = env_bool(
    "LAWTRAIL_DEMO_2FA_EXEMPT", DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "lawtrail.core.accounts.authentication.LockoutBackend",  # first: refuses locked-out accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
    # the scope of role grants: how the kernel's has_perm(actor, perm, obj) is answered
    "lawtrail.registry.auth.ScopeBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:portal"

# --- logging in (docs/security.md) ----------------------------------------------------------
# 等保 2.0 三级 身份鉴别: at least 10 characters from at least 3 of 4 classes, not common,
# not like the account's name. Checked on every path that sets a password.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("LAWTRAIL_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "lawtrail.core.accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LAWTRAIL_PASSWORD_MAX_AGE_DAYS = env_int("LAWTRAIL_PASSWORD_MAX_AGE_DAYS", 90)  # 0 = passwords never expire
LAWTRAIL_PASSWORD_CHANGE_AT_FIRST_LOGIN = env_bool("LAWTRAIL_PASSWORD_CHANGE_AT_FIRST_LOGIN", True)

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures for one account, or from one source
# address, further attempts are refused for the cool-off period (each refused attempt
# restarts it). Applies to the login page, the API token endpoint and the admin alike.
AXES_FAILURE_LIMIT = env_int("LAWTRAIL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LAWTRAIL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # our own AuthEvent (journaled) is the access record
AXES_LOCKOUT_CALLABLE = "lawtrail.core.accounts.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("LAWTRAIL_PROXY_COUNT", 0) or None  # trusted reverse proxies in front
AXES_VERBOSE = False

# Sessions end after LAWTRAIL_SESSION_IDLE_MINUTES without a request, and at the latest
# after LAWTRAIL_SESSION_MAX_HOURS, and when the browser closes.
LAWTRAIL_SESSION_IDLE_MINUTES = env_int("LAWTRAIL_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("LAWTRAIL_SESSION_MAX_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Field-level encryption of personal data (core/fieldcrypt.py, docs/security.md): keys from
# LAWTRAIL_FIELD_KEYS + LAWTRAIL_FIELD_LOOKUP_KEY, else var/field-keys; new keys use this cipher.
LAWTRAIL_FIELD_CIPHER = env_str("LAWTRAIL_FIELD_CIPHER", "sm4")
# Plausible dates (core/inputs.py date_plausible): no record carries a date before this or more
# than so many years after today (a typing error like 0001-01-01 or 9999-12-31 is refused).
LAWTRAIL_DATE_EARLIEST = dt.date.fromisoformat(env_str("LAWTRAIL_DATE_EARLIEST", "1949-10-01"))
LAWTRAIL_DATE_FUTURE_YEARS = env_int("LAWTRAIL_DATE_FUTURE_YEARS", 30)
LAWTRAIL_API_TOKEN_TTL_HOURS = env_int("LAWTRAIL_API_TOKEN_TTL_HOURS", 24)
LAWTRAIL_AUTH_EVENT_RETENTION_DAYS = env_int("LAWTRAIL_AUTH_EVENT_RETENTION_DAYS", 400)

# Second factor (TOTP, django-otp): mandatory for these roles and for admin-site accounts,
# available to everyone. The embedded demo may exempt its printed demo accounts (a banner
# says so on every page); any other deployment must leave the exemption off.
LAWTRAIL_2FA_REQUIRED_ROLES = env_list("LAWTRAIL_2FA_REQUIRED_ROLES", ["admin", "agency_admin", "supervisor"])
OTP_TOTP_ISSUER = "LawTrail 行政执法平台"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "lawtrail" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic's output (`lawtrail setup`): a build artefact that several instances may share.
STATIC_ROOT = Path(env_str("LAWTRAIL_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The address the public reaches this site at: the QR code of an issued document points to its
# verification page there (/verify/documents/<token>).
LAWTRAIL_PUBLIC_URL = env_str("LAWTRAIL_PUBLIC_URL", "http://127.0.0.1:8000")
# where notifications go besides the in-app list: dotted paths of channel classes
# (lawtrail.core.notifications.channels; docs/notifications.md). Default: a log line only.
LAWTRAIL_NOTIFY_CHANNELS = env_list(
    "LAWTRAIL_NOTIFY_CHANNELS", ["lawtrail.core.notifications.channels.LogChannel"]
)
# Per-agency signing keys, certificates and seal images (documents/signing.py): <dir>/<agency id>/
LAWTRAIL_SIGNING_DIR = Path(env_str("LAWTRAIL_SIGNING_DIR", str(VAR_DIR / "signing")))
# Missing agency keys are made under a generated test CA (the demo); production turns this off
# and installs each agency's key, certificate and seal image (docs/documents.md).
LAWTRAIL_SIGNING_TEST_CA = env_bool("LAWTRAIL_SIGNING_TEST_CA", True)
# An RFC 3161 time-stamping authority: PAdES B-T when set, B-B otherwise.
LAWTRAIL_TSA_URL = env_str("LAWTRAIL_TSA_URL", "")
# Front-end packages come from the npm registry (package.json + lock); only the built
# files we use are exposed, never node_modules as a whole.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),  # the live map (lawtrail.live)
    ("vendor/hls.js", BASE_DIR / "node_modules" / "hls.js" / "dist"),  # live video in the page
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

_S3_BUCKET = env_str("LAWTRAIL_S3_BUCKET", "")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _S3_BUCKET,
                "endpoint_url": env_str("LAWTRAIL_S3_ENDPOINT_URL", "") or None,
                "access_key": env_str("LAWTRAIL_S3_ACCESS_KEY", ""),
                "secret_key": env_str("LAWTRAIL_S3_SECRET_KEY", ""),
                "region_name": env_str("LAWTRAIL_S3_REGION", "") or None,
            },
        }
        if _S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    # Hashed names (cached forever by browsers and nginx) and gzip copies, served by WhiteNoise;
    # `lawtrail setup` runs collectstatic. The test suite swaps in the plain storage (tests/conftest.py).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # The vault (lawtrail.core.vault): content-addressed, never overwritten. Local disk under
    # var/vault by default; the S3-compatible bucket (MinIO in production) when one is set.
    "vault": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _S3_BUCKET,
                "location": env_str("LAWTRAIL_VAULT_S3_PREFIX", "vault"),
                "endpoint_url": env_str("LAWTRAIL_S3_ENDPOINT_URL", "") or None,
                "access_key": env_str("LAWTRAIL_S3_ACCESS_KEY", ""),
                "secret_key": env_str("LAWTRAIL_S3_SECRET_KEY", ""),
                "region_name": env_str("LAWTRAIL_S3_REGION", "") or None,
                "file_overwrite": False,
            },
        }
        if _S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(VAR_DIR / "vault"), "file_permissions_mode": 0o444},
        }
    ),
}
# Files being uploaded or put before they have a content address (local disk, constant memory).
LAWTRAIL_VAULT_STAGING_DIR = Path(env_str("LAWTRAIL_VAULT_STAGING_DIR", str(VAR_DIR / "vault-staging")))
WHITENOISE_MAX_AGE = 3600

# Drones and body cameras, live (lawtrail.live; docs/recording.md "Live"). Devices publish video
# to nginx's RTMP module (deploy/nginx/lawtrail-rtmp.conf), which writes HLS and recordings here;
# telemetry arrives over MQTT (topic layout: lawtrail/live/topics.py).
LAWTRAIL_LIVE_HLS_DIR = Path(env_str("LAWTRAIL_LIVE_HLS_DIR", str(VAR_DIR / "live" / "hls")))
LAWTRAIL_LIVE_RECORD_DIR = Path(env_str("LAWTRAIL_LIVE_RECORD_DIR", str(VAR_DIR / "live" / "rec")))
LAWTRAIL_LIVE_RTMP_URL = env_str("LAWTRAIL_LIVE_RTMP_URL", "rtmp://127.0.0.1:1935/live")  # shown to devices
# the nginx callbacks' path token (default: derived from SECRET_KEY)
LAWTRAIL_LIVE_RTMP_TOKEN = env_str("LAWTRAIL_LIVE_RTMP_TOKEN", "")
LAWTRAIL_MQTT_URL = env_str("LAWTRAIL_MQTT_URL", "mqtt://127.0.0.1:1883")
LAWTRAIL_MQTT_PREFIX = env_str("LAWTRAIL_MQTT_PREFIX", "lawtrail")
# behind nginx: the internal location that serves the HLS directory (X-Accel-Redirect), e.g. /_live_hls/
LAWTRAIL_LIVE_HLS_ACCEL = env_str("LAWTRAIL_LIVE_HLS_ACCEL", "")

_REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Results (state, retries, tracebacks) go to the database, where the admin shows them; kept 7 days
# (the daily celery.backend_cleanup job deletes older ones).
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = 7 * 24 * 3600
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves it on the queue for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs: one schedule, lawtrail/ops/schedule.py, for Celery beat and the embedded runner.
CELERY_BEAT_SCHEDULE = beat_schedule()

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "lawtrail.core.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "lawtrail.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lawtrail.core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("LAWTRAIL_AUTH_RATE", "30/min")},
    # OPTIONS answers every endpoint with its name, methods and media types; the inputs
    # are described by the OpenAPI schema, not by introspecting serializers per request.
    "DEFAULT_METADATA_CLASS": "lawtrail.core.api_metadata.PlainMetadata",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "lawtrail.core.renderers.ReadingBrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "LawTrail API（行政执法综合管理监督平台）",
    "DESCRIPTION": "每个错误响应都带稳定的错误码 `code` 与中文说明 `message`。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # answers every operation can give (control characters, authentication, unknown ids …) are
    # documented once for all (core/api_schema.py), so the schema matches what is returned
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lawtrail.core.api_schema.document_common_errors",
    ],
    # the docs page loads Swagger UI from our own static files, never from a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a choice set called Level/Kind/Role; name each one explicitly.
    "ENUM_NAME_OVERRIDES": {
        "DivisionLevelEnum": "lawtrail.registry.models.Division.Level",
        "AgencyLevelEnum": "lawtrail.registry.models.Agency.Level",
        "AgencyKindEnum": "lawtrail.registry.models.Agency.Kind",
        "CredentialChangeKindEnum": "lawtrail.registry.models.CredentialChange.Kind",
        "PowerItemKindEnum": "lawtrail.registry.models.PowerItem.Kind",
        "LegalBasisRoleEnum": "lawtrail.registry.models.LegalBasis.Role",
        "RoleEnum": "lawtrail.core.permissions.Role",
        "ProfileLevelEnum": "lawtrail.profiles.models.Profile.Level",
        "DayKindEnum": "lawtrail.core.calendar.models.Day.Kind",
        "DeviceKindEnum": "lawtrail.recording.models.Device.Kind",
        "DeviceReviewEnum": "lawtrail.recording.models.Device.Review",
        "CustodyEventKindEnum": "lawtrail.recording.models.CustodyEvent.Kind",
        "TranscriptKindEnum": "lawtrail.recording.transcript_models.Transcript.Kind",
        "TranscriptSignatureRoleEnum": "lawtrail.recording.transcript_models.TranscriptSignature.Role",
    },
}

# The journal's Ed25519 signing key (32-byte seed, base64). When unset, a key file under
# var/ is created on first use, so the embedded default works out of the box.
LAWTRAIL_JOURNAL_KEY = env_str("LAWTRAIL_JOURNAL_KEY", "")
LAWTRAIL_JOURNAL_KEY_FILE = Path(env_str("LAWTRAIL_JOURNAL_KEY_FILE", str(VAR_DIR / "journal-ed25519.key")))
LAWTRAIL_JOURNAL_LOG_ORIGIN = env_str("LAWTRAIL_JOURNAL_LOG_ORIGIN", "lawtrail.local/journal")
# A separate signer process holding the key (`lawtrail signer serve`; docs/journal.md):
# http://127.0.0.1:PORT or unix:///path/to/socket. When set, the key above is not used.
LAWTRAIL_JOURNAL_SIGNER_URL = env_str("LAWTRAIL_JOURNAL_SIGNER_URL", "")
# Every checkpoint is also appended to this file (O_APPEND; production: outside var/, on a
# filesystem the application cannot rewrite — `chattr +a`, another host's mount); verify
# requires the database's checkpoints to agree with it.
LAWTRAIL_JOURNAL_WITNESS_FILE = env_str(
    "LAWTRAIL_JOURNAL_WITNESS_FILE", str(VAR_DIR / "journal-witness.jsonl")
)
# Key of the per-entry authentication code (HMAC-SHA256 of the leaf): an entry appended by
# someone holding only database rights has none. Default: derived from SECRET_KEY.
LAWTRAIL_JOURNAL_MAC_KEY = env_str("LAWTRAIL_JOURNAL_MAC_KEY", "")

# --- secure defaults (docs/security.md) -------------------------------------------------------
# One switch for deployments behind TLS (nginx terminates it and sets X-Forwarded-Proto).
LAWTRAIL_HTTPS = env_bool("LAWTRAIL_HTTPS", False)
if LAWTRAIL_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LAWTRAIL_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes from inside the host speak plain HTTP
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp). Scripts only from our own origin or with this
# response's nonce; the template loader gives every <script> written in a template the
# nonce (lawtrail.core.templates), so text rendered into a page can never run. Inline
# style attributes remain allowed (they cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    # field recording pages may use the phone's camera, microphone and position; nothing else
    "camera": ["self"],
    "microphone": ["self"],
    "geolocation": ["self"],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "display-capture": [],
    "interest-cohort": [],
}

# Logs: one JSON object a line on stderr (LAWTRAIL_LOG_FORMAT=text for people), each with the
# request id (X-Request-ID from nginx, or generated, and returned in the response); one
# access line per request from lawtrail.ops.logs. LAWTRAIL_LOG_LEVEL sets the root level.
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger", "process": "pid"},
            "timestamp": "time",  # ISO 8601, UTC
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("LAWTRAIL_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LAWTRAIL_LOG_LEVEL", "WARNING")},
    "loggers": {
        "lawtrail.access": {"level": env_str("LAWTRAIL_ACCESS_LOG_LEVEL", "INFO")},
        "lawtrail.jobs": {"level": "INFO"},
    },
}

# The outbox sweep (cases.outbox_sweep, in ops/schedule.py) leaves a delivery this many
# seconds to its after-commit dispatch before taking it.
LAWTRAIL_OUTBOX_SWEEP_GRACE = env_int("LAWTRAIL_OUTBOX_SWEEP_GRACE", 30)

# /metrics: Prometheus text. When LAWTRAIL_METRICS_TOKEN is set, a scraper must send it as a
# bearer token; nginx (deploy/nginx) also keeps /metrics to the local network.
LAWTRAIL_METRICS_TOKEN = env_str("LAWTRAIL_METRICS_TOKEN", "")

# Public portal (disclosure): requests per client address on every public endpoint, and on
# credential lookup by number (low: walking sequential numbers must not harvest the register).
LAWTRAIL_PUBLIC_RATE = env_str("LAWTRAIL_PUBLIC_RATE", "300/m")
LAWTRAIL_LOOKUP_RATE = env_str("LAWTRAIL_LOOKUP_RATE", "10/m")
# The nightly 双公示 export (docs/disclosure.md): a directory of JSON files, one per day.
LAWTRAIL_DISCLOSURE_EXPORT_DIR = env_str(
    "LAWTRAIL_DISCLOSURE_EXPORT_DIR", str(VAR_DIR / "exports" / "disclosure")
)
