"""Settings read from the environment (prefix ``XIAODI_``); bad values fail at start-up with a clear message."""

from __future__ import annotations

import datetime as dt
import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from xiaodi.core.errors import ConfigurationError, pydantic_message

DEFAULT_SECRET = "xiaodi-dev-secret-change-me"  # well known: ``xiaodi serve`` refuses it (web.secret)


class Settings(BaseSettings):
    """Deployment settings. ``XIAODI_DATABASE_URL`` chooses the database (SQLite by default)."""

    model_config = SettingsConfigDict(env_prefix="XIAODI_", extra="ignore")

    database_url: str = Field(default="sqlite:///./xiaodi.db", description="SQLAlchemy URL of the ledger")
    data_dir: Path = Field(default=Path("."), description="where indexes and uploads live beside the database")
    embedding_model: str | None = Field(default=None, description="local sentence-transformers model directory")
    secret_key: str = Field(default=DEFAULT_SECRET, min_length=16, description="signs the session cookies")
    cookie_secure: bool | None = Field(
        default=None, description="session cookie only over HTTPS, with HSTS (default: on when XIAODI_TRUSTED_PROXIES "
                                  "is set, i.e. served behind an HTTPS reverse proxy)")
    max_upload_mb: int = Field(default=50, ge=1, le=2048, description="largest file an import accepts")
    max_uncompressed_mb: int = Field(default=200, ge=1, le=8192,
                                     description="largest an .xlsx may expand to when unpacked (zip bombs)")
    max_cell_chars: int = Field(default=32_767, ge=100, le=1_000_000,
                                description="longest cell a table may hold (Excel's own limit)")
    max_columns: int = Field(default=1000, ge=50, le=16_384, description="widest row a table may have")
    upload_keep_minutes: float = Field(default=60, gt=0, le=7 * 24 * 60,
                                       description="how long an unconfirmed import upload is kept")
    dashboard_cache_seconds: float = Field(default=30, ge=0, le=3600,
                                           description="how long a dashboard keeps its figures (0: always fresh)")
    match_warm_up: bool = Field(default=True,
                                description="a starting web server loads the matching indexes and the model in the "
                                            "background, so the first demand's candidates do not wait for them")
    search_fold_seconds: float = Field(default=2, ge=0, le=3600,
                                       description="how often the web server folds new and changed records into the "
                                                   "keyword search index (0: never; `xiaodi index rebuild` does)")
    jobs: Literal["auto", "inline", "queue"] = Field(
        default="auto", description="where background jobs run: auto — on PostgreSQL in the queue run by "
                                    "`xiaodi worker`, on SQLite in the process as before; inline — always in the "
                                    "process; queue — in the queue (PostgreSQL only)")
    import_job_rows: int = Field(default=2000, ge=0, le=10_000_000,
                                 description="an import confirmed on /import with more rows than this runs as a "
                                             "background job with a progress bar, also on SQLite (0: always)")
    worker_stalled_seconds: float = Field(default=30, ge=2, le=3600,
                                          description="a worker silent this long is taken for dead and its "
                                                      "running job queued again")
    db_pool_size: int = Field(default=5, ge=1, le=500,
                              description="PostgreSQL connections each process keeps open (SQLite: unchanged)")
    db_max_overflow: int = Field(default=10, ge=0, le=500,
                                 description="connections a process may open beyond XIAODI_DB_POOL_SIZE at a peak")
    db_pool_timeout: float = Field(default=10, gt=0, le=300,
                                   description="seconds a request waits for a free connection before it fails")
    web_max_requests: int = Field(
        default=0, ge=0, le=10_000,
        description="requests one process serves at once, the rest queue (0: the connection pool's size "
                    "XIAODI_DB_POOL_SIZE + XIAODI_DB_MAX_OVERFLOW less 2 kept for the process's background work)")
    web_queue_seconds: float = Field(default=10, ge=0, le=300,
                                     description="how long a request past XIAODI_WEB_MAX_REQUESTS waits for its "
                                                 "turn before it is answered 503 (繁忙，请稍后重试)")
    smtp_host: str | None = Field(default=None, description="SMTP server for e-mail copies of notifications "
                                                             "(empty: in-app inbox only)")
    smtp_port: int = Field(default=25, ge=1, le=65535, description="SMTP port")
    smtp_user: str | None = Field(default=None, description="SMTP login (empty: no login)")
    smtp_password: str | None = Field(default=None, description="SMTP password")
    smtp_from: str = Field(default="xiaodi@localhost", description="sender address of notification e-mails")
    smtp_starttls: bool = Field(default=False, description="upgrade the SMTP connection with STARTTLS")
    smtp_timeout: float = Field(default=10, gt=0, le=120, description="seconds to wait for the SMTP server")
    timezone: str = Field(default="Asia/Shanghai",
                          description="the deployment's time zone: the calendar day of file names and pages")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"未知的时区“{value}”，请填写如 Asia/Shanghai 的 IANA 时区名") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> dt.date:
        """Today's date where the deployment is (a server clock in UTC is still on yesterday before 8:00 in China)."""
        return dt.datetime.now(self.zone).date()
    trusted_proxies: str = Field(
        default="", description="reverse proxies whose X-Forwarded-For/-Proto are believed: IP addresses or networks, "
                                "comma-separated (empty: none — the connecting address is the client)")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in filter(None, (v.strip() for v in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError("须为反向代理的 IP 地址或网段（如 127.0.0.1, 10.0.0.0/8），"
                                 f"用逗号分隔；“{item}”不是") from None
        return value

    def proxy_list(self) -> list[str]:
        return [v.strip() for v in self.trusted_proxies.split(",") if v.strip()]

    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else bool(self.proxy_list())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The deployment's settings; a bad value stops the command or server with the variable named in Chinese."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigurationError(settings_problem(exc)) from None


def local_today() -> dt.date:
    """Today where the deployment is (本地日期, ``XIAODI_TIMEZONE``): what every deadline, default period, overdue
    check and file name counts from. ``dt.date.today()`` is the server's UTC day, still yesterday before 8:00 in
    China, and pages that counted from it disagreed with those that counted from the deployment's day."""
    return get_settings().today()


def after_today(day: dt.date | None, label: str, what: str) -> str | None:
    """Why a day on which something must already have happened (签约日期, 到位日期, 活动日期 …) is refused when it is
    after the deployment's today, else None: one rule and one wording for the services and the tables' row checks
    ("签约日期 2030-01-01 晚于今天（2026-12-07），不能登记尚未签订的协议")."""
    today = local_today()
    if day is None or day <= today:
        return None
    return f"{label} {day:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），不能登记{what}"


def not_after_today(day: dt.date | None, label: str, what: str) -> None:
    """Refuse (``ValidationFailed``) a day after today on which something must already have happened."""
    from xiaodi.core.errors import ValidationFailed

    problem = after_today(day, label, what)
    if problem is not None:
        raise ValidationFailed(problem)


def local_minute(value: dt.datetime) -> str:
    """A moment as people read it where the deployment is (``XIAODI_TIMEZONE``): ``2026-12-07 13:37``. Times are
    stored in UTC; a naive one (an old record, a hand-written value) is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(get_settings().zone).strftime("%Y-%m-%d %H:%M")


def local_day_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments a period of the deployment's calendar days runs between (``XIAODI_TIMEZONE``): from the first
    day's local midnight up to, not including, the midnight after the last. Timestamps are stored in UTC; a period's
    days are the days people count in (a demand published at 07:00 on 1 January in China is in the new year)."""
    zone = get_settings().zone
    start = dt.datetime.combine(date_from, dt.time(), zone).astimezone(dt.UTC)
    return start, dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)


def settings_problem(exc: ValidationError) -> str:
    """"配置有误：XIAODI_SECRET_KEY 至少 16 个字" — each bad variable by its environment name and the rule it breaks."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    parts = [f"{prefix}{'.'.join(str(p) for p in err['loc']).upper()} {pydantic_message(err)}" for err in exc.errors()]
    return "配置有误：" + "；".join(parts) + "（请改正环境变量后重试）"
