"""Settings read from the environment (prefix ``XIAODI_``); bad values fail at start-up with a clear message."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings. ``XIAODI_DATABASE_URL`` chooses the database (SQLite by default)."""

    model_config = SettingsConfigDict(env_prefix="XIAODI_", extra="ignore")

    database_url: str = Field(default="sqlite:///./xiaodi.db", description="SQLAlchemy URL of the ledger")
    data_dir: Path = Field(default=Path("."), description="where indexes and uploads live beside the database")
    embedding_model: str | None = Field(default=None, description="local sentence-transformers model directory")
    secret_key: str = Field(default="xiaodi-dev-secret-change-me", min_length=16)
    max_upload_mb: int = Field(default=50, ge=1, le=2048)
    dashboard_cache_seconds: float = Field(default=30, ge=0, le=3600,
                                           description="how long a dashboard keeps its figures (0: always fresh)")
    search_fold_seconds: float = Field(default=2, ge=0, le=3600,
                                       description="how often the web server folds new and changed records into the "
                                                   "keyword search index (0: never; `xiaodi index rebuild` does)")
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
