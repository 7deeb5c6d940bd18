"""One settings object for the whole package (environment prefix ``LINKRISK_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# A development key so that `make demo` works out of the box; production must set its own
# (``linkrisk`` refuses it when LINKRISK_ENV=production).
DEMO_ID_HASH_KEY = "linkrisk-demo-key-not-for-production"
DEMO_AUDIT_KEY = "linkrisk-demo-audit-key-not-for-production"  # the same, for the audit chain


class Settings(BaseSettings):
    """Fail-fast settings, read once from the environment (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="LINKRISK_", env_file=".env", extra="ignore")

    env: str = Field("development", description="development | production")
    data_dir: Path = Field(Path("data"), description="where the store, snapshots and models live")
    store: str = Field("embedded", description="embedded | neo4j")
    id_hash_key: SecretStr = Field(
        SecretStr(DEMO_ID_HASH_KEY), description="secret for HMAC-SHA256 of resident ID numbers"
    )
    audit_key: SecretStr = Field(
        SecretStr(DEMO_AUDIT_KEY),
        description="secret of the audit log's keyed hash chain and of its checkpoints' signatures;"
        " never stored in the database (required in production)",
    )
    audit_checkpoints: Path | None = Field(
        None,
        description="append-only file of signed audit checkpoints (default: audit.checkpoints.jsonl"
        " beside the database); keep it, or a copy, where the database's writers cannot rewrite it",
    )
    audit_checkpoint_every: int = Field(
        1000, ge=1, description="records between the checkpoints the API writes"
    )
    audit_checkpoint_seconds: float = Field(
        300.0, gt=0, description="longest time a record waits for its checkpoint"
    )
    batch_size: int = Field(20_000, ge=1, description="rows read, checked and written per batch")
    columnar_mirror: bool = Field(
        True,
        description="keep an Arrow copy of the canonical tables beside the embedded store, so"
        " whole-table reads (snapshot builds) skip SQLite; costs about the store's size on disk",
    )
    max_field_chars: int = Field(
        4096, ge=16, description="a source row with a longer cell is rejected (all formats)"
    )
    max_xlsx_uncompressed: int = Field(
        256 << 20,
        ge=1 << 20,
        description="an .xlsx with a part larger than this once decompressed is refused"
        " before it is opened (openpyxl keeps the shared strings in memory)",
    )
    max_xlsx_ratio: float = Field(
        100,
        gt=1,
        description="an .xlsx with a part (over 1 MiB) that decompresses more than this many"
        " times its stored size is refused (a decompression bomb)",
    )
    column_map: Path | None = Field(
        None, description="TOML file with extra header aliases per source kind (see README)"
    )

    measures_catalogue: Path | None = Field(
        None,
        description="TOML catalogue of 信易+ / 联合奖惩 measures (default: the illustrative one)",
    )
    personal_points: Path | None = Field(
        None, description="TOML point rules of the personal credit score (default: illustrative)"
    )

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("neo4j")
    neo4j_database: str = "neo4j"

    sampling_matters: Path | None = Field(
        None,
        description="the 抽查事项清单 (TOML, as linkrisk/sampling/matters.toml, which is the"
        " default): the matters a 双随机 plan may name, shown by name in publications",
    )
    supernode_cap: int = Field(10, ge=2, description="a contact shared by more subjects links none")
    beneficial_owner_threshold: float = Field(0.25, gt=0, le=1)
    control_threshold: float = Field(0.50, gt=0, le=1)

    lang: str = Field("zh", description="labels the command line prints: zh (中文) or en")
    chromium: str = Field(
        "chromium", description="headless Chromium for the PDF reports (a path or a name on PATH)"
    )

    api_workers: int = Field(1, ge=1)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    rate_limit_per_minute: int = Field(6000, ge=1, description="requests a minute per API key")
    rate_limit_unauthenticated_per_minute: int = Field(
        30,
        ge=1,
        description="requests a minute per client address without a valid API key; once spent,"
        " the address is refused (429) before any key is looked up",
    )
    api_max_body_bytes: int = Field(64 * 2**20, ge=1024, description="largest request body")
    check_job_threshold: int = Field(
        100_000, ge=1, description="batch credit checks this long run as background jobs"
    )
    check_job_retention_days: float = Field(
        7, gt=0, description="a finished check job's result files are removed after this age"
    )
    check_job_quota_bytes: int = Field(
        1 << 30,
        ge=0,
        description="result files an organisation's check jobs may keep; over it the oldest"
        " jobs are removed (their results answer 410 Gone)",
    )

    @field_validator("env")
    @classmethod
    def _known_env(cls, value: str) -> str:
        if value not in {"development", "production", "test"}:
            raise ValueError("env must be development, production or test")
        return value

    @field_validator("lang")
    @classmethod
    def _known_lang(cls, value: str) -> str:
        if value not in {"zh", "en"}:
            raise ValueError("lang must be zh or en")
        return value

    @property
    def db_path(self) -> Path:
        return self.data_dir / "linkrisk.db"

    @property
    def audit_checkpoint_path(self) -> Path:
        return self.audit_checkpoints or self.data_dir / "audit.checkpoints.jsonl"

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def model_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def publication_dir(self) -> Path:
        """The one place of the 公示 files: ``<data_dir>/publications/<plan>/``."""
        return self.data_dir / "publications"

    def check_production(self) -> None:
        """Refuse the demo secrets in production, and one secret used for two purposes."""
        if self.env != "production":
            return
        id_key, audit_key = self.id_hash_key.get_secret_value(), self.audit_key.get_secret_value()
        if id_key == DEMO_ID_HASH_KEY:
            raise ValueError("LINKRISK_ID_HASH_KEY must be set in production")
        if audit_key == DEMO_AUDIT_KEY:
            raise ValueError("LINKRISK_AUDIT_KEY must be set in production")
        if audit_key == id_key:
            raise ValueError("LINKRISK_AUDIT_KEY and LINKRISK_ID_HASH_KEY must differ")


@lru_cache
def get_settings() -> Settings:
    settings = Settings()
    settings.check_production()
    return settings
