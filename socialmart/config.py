"""socialmart settings: read once from `.dlt/config.toml`, with environment variables on top."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_DIR = Path(os.environ.get("SOCIALMART_PROJECT_DIR", Path(__file__).resolve().parents[1]))
MODES = ("auto", "sandbox", "live")
WAREHOUSES = ("duckdb", "postgres")
POSTGRES_DSN_HELP = (
    "set postgres_dsn under [socialmart] in .dlt/secrets.toml or the environment variable SOCIALMART__POSTGRES_DSN, "
    "as postgresql://user:password@host:5432/dbname"
)
PII_SALT_HELP = (
    "set pii_salt under [socialmart] in .dlt/secrets.toml or the environment variable SOCIALMART__PII_SALT to a long "
    'random secret, e.g. the output of `python -c "import secrets; print(secrets.token_hex(32))"`, and keep it: a new '
    "salt gives every customer a new id (docs/privacy.md)"
)
MIN_PII_SALT_LENGTH = 16
# The salt of sandbox runs when none is configured: public on purpose (the sandbox's customers are made up). A run
# that reads real customer data never uses it.
SANDBOX_PII_SALT = "socialmart-sandbox-salt-public-not-for-real-customers"


class ConfigError(ValueError):
    """A setting is missing or invalid; the message names the key and the fix."""


@dataclass(frozen=True)
class NamingConvention:
    """How campaign names are built: ordered fields joined by a delimiter, with allowed values per field."""

    delimiter: str
    fields: list[str]
    allowed_values: dict[str, list[str]]


@dataclass(frozen=True)
class GateSettings:
    """`[socialmart.gate]`: thresholds of the quality gate's volume check (keyword arguments of GateParams)."""

    volume_min_ratio: float = 0.5
    volume_max_ratio: float = 2.0
    volume_window_days: int = 28
    volume_min_history_days: int = 7


@dataclass(frozen=True)
class PostgresConnection:
    """Where the PostgreSQL warehouse is. The password never appears in repr, str or log lines."""

    host: str
    port: int
    user: str
    dbname: str
    password: str = field(default="", repr=False)

    @property
    def dsn(self) -> str:
        """The libpq connection URL, password included: pass it to clients, never print it."""
        auth = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{quote(self.dbname, safe='')}"

    def __str__(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"


def parse_postgres_dsn(dsn: str) -> PostgresConnection:
    """Parse a `postgresql://user:password@host:port/dbname` URL; errors never repeat the password."""
    parts = urlsplit(dsn.strip())
    try:
        port = parts.port or 5432
    except ValueError:
        port = None
    dbname = unquote(parts.path.lstrip("/"))
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname or not parts.username or not dbname:
        shown = f"{parts.scheme}://{parts.hostname or '?'}/{dbname or '?'}" if parts.scheme else "(not a URL)"
        raise ConfigError(
            f"[socialmart] postgres_dsn {shown} is not a PostgreSQL URL with a user, host and database: "
            f"{POSTGRES_DSN_HELP}."
        )
    if port is None:
        raise ConfigError(f"[socialmart] postgres_dsn for host {parts.hostname}: the port is not a number.")
    return PostgresConnection(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        dbname=dbname,
        password=unquote(parts.password or ""),
    )


@dataclass(frozen=True)
class Settings:
    """Every setting the pipeline reads. Paths are absolute."""

    project_dir: Path
    reporting_currency: str
    reporting_timezone: str
    start_date: date
    lookback_days: int
    warehouse_dir: Path
    reports_dir: Path
    inputs_dir: Path
    mode: str
    freshness_days: int
    on_track_min: float
    at_risk_min: float
    pacing_under_below: float
    pacing_over_above: float
    fx_max_carry_forward_days: int
    naming: NamingConvention
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    warehouse: str = "duckdb"
    postgres: PostgresConnection | None = None
    # The login password of the read-only role socialmart_reader ("" = the role cannot log in; see docs/postgres.md).
    postgres_reader_password: str = field(default="", repr=False)
    validation_runs_kept: int = 30
    pii_salt: str | None = field(default=None, repr=False)
    gate: GateSettings = field(default_factory=GateSettings)
    # The Slack-compatible incoming webhook alerts go to (None = alerts off); the URL itself is a secret.
    alert_webhook_url: str | None = field(default=None, repr=False)

    @property
    def on_postgres(self) -> bool:
        """True when the warehouse is the PostgreSQL database of `postgres`, not the DuckDB file."""
        return self.warehouse == "postgres"

    def customer_salt(self, *, sandbox: bool) -> str:
        """The secret salt customer ids are hashed with at extraction (sources/common/privacy.py); never print it.

        `[socialmart] pii_salt` when set; else the public SANDBOX_PII_SALT for a run that reads only the sandbox's
        made-up customers; else (real customer data) a ConfigError that says how to create one.
        """
        if self.pii_salt:
            return self.pii_salt
        if sandbox:
            return SANDBOX_PII_SALT
        raise ConfigError(
            "[socialmart] pii_salt is not set: real customer ids are replaced by salted hashes before anything is "
            f"loaded, so nothing was loaded. To fix: {PII_SALT_HELP}."
        )

    @property
    def published_path(self) -> Path:
        """The published warehouse file that analysts and BI tools open."""
        return self.warehouse_dir / "socialmart.duckdb"

    @property
    def build_dir(self) -> Path:
        """Where a run builds its new warehouse file before publishing it."""
        return self.warehouse_dir / ".build"

    @property
    def validation_dir(self) -> Path:
        """Where each run's gate results and Data Docs are written (a folder per run, socialmart/validation_runs.py)."""
        return self.warehouse_dir / "validation"

    @property
    def dbt_project_dir(self) -> Path:
        """The dbt project folder (its profiles.yml lives there too)."""
        return self.project_dir / "dbt_project"

    def dbt_vars(self) -> dict[str, Any]:
        """The dbt vars: the settings the models need. The run date is not one of them (socialmart/dbt.py), so the
        vars stay the same from run to run and dbt can reuse its parsed project."""
        return {
            "calendar_start_date": self.start_date.isoformat(),  # dim_date and the FX spine cover every loaded day
            "reporting_currency": self.reporting_currency,
            "reporting_timezone": self.reporting_timezone,
            "target_on_track_min": self.on_track_min,
            "target_at_risk_min": self.at_risk_min,
            "budget_under_pacing_below": self.pacing_under_below,
            "budget_over_pacing_above": self.pacing_over_above,
            "naming_delimiter": self.naming.delimiter,
            "naming_fields": self.naming.fields,
            "naming_allowed_values": self.naming.allowed_values,
        }


def _env_override(key: str, value: Any) -> Any:
    """Return the value of SOCIALMART__<KEY> when set, parsed as JSON when it looks like JSON."""
    raw = os.environ.get(f"SOCIALMART__{key.upper()}")
    if raw is None:
        return value
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the file and run again.") from exc


def _postgres_secrets(project_dir: Path, warehouse: str) -> tuple[PostgresConnection | None, str]:
    """The PostgreSQL connection and the reader role's password from secrets (SOCIALMART__POSTGRES_DSN and
    SOCIALMART__POSTGRES_READER_PASSWORD win) when warehouse = postgres, else (None, "")."""
    if warehouse != "postgres":
        return None, ""
    secrets = _read_toml(project_dir / ".dlt" / "secrets.toml").get("socialmart", {})
    dsn = _env_override("postgres_dsn", secrets.get("postgres_dsn"))
    if not dsn:
        raise ConfigError(f'[socialmart] warehouse = "postgres" needs the connection: {POSTGRES_DSN_HELP}.')
    # Read as text, not through _env_override's JSON parsing: a password such as 123 or "true" must stay as typed.
    reader_password = os.environ.get("SOCIALMART__POSTGRES_READER_PASSWORD", secrets.get("postgres_reader_password"))
    return parse_postgres_dsn(str(dsn)), str(reader_password or "")


def _secret_text(project_dir: Path, section: dict[str, Any], config_path: Path, key: str, renew: str) -> str:
    """The secret `[socialmart] <key>` as stripped text ("" when unset): SOCIALMART__<KEY> wins over
    .dlt/secrets.toml. Refused in the committed config; `renew` says what to do if that file was ever shared."""
    if key in section:
        raise ConfigError(
            f"{config_path} sets [socialmart] {key}, a secret, in the committed config: move it to "
            f".dlt/secrets.toml (or SOCIALMART__{key.upper()}), and {renew} if this file was ever shared."
        )
    raw = os.environ.get(f"SOCIALMART__{key.upper()}")
    if raw is None:
        raw = _read_toml(project_dir / ".dlt" / "secrets.toml").get("socialmart", {}).get(key)
    return "" if raw is None else str(raw).strip()


def _pii_salt(project_dir: Path, section: dict[str, Any], config_path: Path) -> str | None:
    """The secret `[socialmart] pii_salt` from secrets.toml (SOCIALMART__PII_SALT wins), or None when unset.

    Read as text, never JSON-parsed like other overrides, so a salt that looks like a number stays the same salt.
    Errors never repeat the salt.
    """
    salt = _secret_text(project_dir, section, config_path, "pii_salt", "choose a new one")
    if not salt:
        return None
    if len(salt) < MIN_PII_SALT_LENGTH:
        raise ConfigError(
            f"[socialmart] pii_salt is {len(salt)} characters long: a short salt can be guessed, and with it every "
            f"customer id. Use at least {MIN_PII_SALT_LENGTH} random characters: {PII_SALT_HELP}."
        )
    return salt


def _alert_webhook_url(project_dir: Path, section: dict[str, Any], config_path: Path) -> str | None:
    """The secret `[socialmart] alert_webhook_url` from secrets.toml (SOCIALMART__ALERT_WEBHOOK_URL wins), or None.

    A Slack webhook URL lets anyone post to the channel, so it is a secret: never in config.toml, never shown."""
    url = _secret_text(project_dir, section, config_path, "alert_webhook_url", "create a new webhook")
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(
            "[socialmart] alert_webhook_url is not an http(s) URL: set it to the incoming webhook's URL, e.g. "
            "https://hooks.slack.com/services/... (docs/alerts.md)."
        )
    return url or None


def _require(section: dict[str, Any], key: str, config_path: Path) -> Any:
    value = _env_override(key, section.get(key))
    if value is None or value == "":
        raise ConfigError(
            f"{config_path}: [socialmart] {key} is not set. Add it to the file or set SOCIALMART__{key.upper()}."
        )
    return value


def _parse_date(value: Any, key: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"[socialmart] {key} = {value!r} is not a date: use YYYY-MM-DD.") from exc


def _number(table: dict[str, Any], key: str, default: float, where: str) -> float:
    try:
        return float(table.get(key, default))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[{where}] {key} = {table.get(key)!r} is not a number.") from exc


def _pacing_thresholds(budgets: dict[str, Any]) -> tuple[float, float]:
    """`[socialmart.budgets]` under_pacing_below and over_pacing_above (pacing ratios, 0 <= under <= over)."""
    under = _number(budgets, "under_pacing_below", 0.9, "socialmart.budgets")
    over = _number(budgets, "over_pacing_above", 1.1, "socialmart.budgets")
    if not 0 <= under <= over:
        raise ConfigError(
            f"[socialmart.budgets] under_pacing_below = {under} and over_pacing_above = {over}: use pacing ratios "
            "with 0 <= under_pacing_below <= over_pacing_above (e.g. 0.9 and 1.1)."
        )
    return under, over


def _runs_kept(section: dict[str, Any]) -> int:
    """`[socialmart] validation_runs_kept`: how many runs' gate results and Data Docs to keep (a whole number >= 1)."""
    value = _env_override("validation_runs_kept", section.get("validation_runs_kept", 30))
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"[socialmart] validation_runs_kept = {value!r}: use a whole number of runs >= 1 (default 30)."
        )
    return value


def _gate_settings(gate: dict[str, Any]) -> GateSettings:
    """`[socialmart.gate]`: the volume band (ratios, 0 <= min <= max) and its window (whole days)."""
    where, defaults = "socialmart.gate", GateSettings()
    low = _number(gate, "volume_min_ratio", defaults.volume_min_ratio, where)
    high = _number(gate, "volume_max_ratio", defaults.volume_max_ratio, where)
    if not 0 <= low <= high:
        raise ConfigError(
            f"[{where}] volume_min_ratio = {low} and volume_max_ratio = {high}: use ratios with "
            "0 <= volume_min_ratio <= volume_max_ratio (e.g. 0.5 and 2.0)."
        )
    window = _number(gate, "volume_window_days", defaults.volume_window_days, where)
    history = _number(gate, "volume_min_history_days", defaults.volume_min_history_days, where)
    if window != int(window) or history != int(history) or not 1 <= history <= window:
        raise ConfigError(
            f"[{where}] volume_window_days = {window:g} and volume_min_history_days = {history:g}: use whole days "
            "with 1 <= volume_min_history_days <= volume_window_days (e.g. 28 and 7)."
        )
    return GateSettings(low, high, int(window), int(history))


# The naming convention is compiled into the dbt models' SQL (dbt_project/macros/naming_convention.sql), so its
# delimiter, field names and allowed values may hold no quote, backslash, space or semicolon.
_NAMING_DELIMITERS = "_-|.~+"
_NAMING_WORD = re.compile(r"[a-z][a-z0-9_]*")
_NAMING_VALUE = re.compile(r"[A-Za-z0-9-]+")


def _naming(naming: dict[str, Any]) -> NamingConvention:
    """`[socialmart.naming]`: the delimiter (one of _NAMING_DELIMITERS), the field names and their allowed values."""
    delimiter = str(naming.get("delimiter", "_"))
    if delimiter == "" or delimiter not in _NAMING_DELIMITERS:
        raise ConfigError(
            f"[socialmart.naming] delimiter = {delimiter!r}: use one character of {' '.join(_NAMING_DELIMITERS)}."
        )
    fields = [str(name) for name in naming.get("fields", [])]
    allowed = {str(name): [str(value) for value in values] for name, values in naming.get("allowed_values", {}).items()}
    for name in [*fields, *allowed]:
        if not _NAMING_WORD.fullmatch(name):
            raise ConfigError(
                f"[socialmart.naming] field {name!r} is not a field name: use lowercase letters, digits and _."
            )
    for name, values in allowed.items():
        for value in values:
            if not _NAMING_VALUE.fullmatch(value) or delimiter in value:
                raise ConfigError(
                    f"[socialmart.naming.allowed_values] {name} holds {value!r}: use letters, digits and - only "
                    "(never the delimiter)."
                )
    return NamingConvention(delimiter=delimiter, fields=fields, allowed_values=allowed)


def _resolve(project_dir: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else project_dir / path


def load_settings(project_dir: Path | None = None, **overrides: Any) -> Settings:
    """Load settings from `<project>/.dlt/config.toml`; SOCIALMART__* env vars and keyword overrides win."""
    project_dir = Path(project_dir or PROJECT_DIR).resolve()
    config_path = project_dir / ".dlt" / "config.toml"
    document = _read_toml(config_path)
    section = dict(document.get("socialmart", {}))
    section.update({k: v for k, v in overrides.items() if v is not None})

    currency = str(_require(section, "reporting_currency", config_path)).upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ConfigError(f"[socialmart] reporting_currency = {currency!r} is not an ISO 4217 code like USD.")
    timezone = str(_require(section, "reporting_timezone", config_path))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"[socialmart] reporting_timezone = {timezone!r} is not an IANA timezone like America/New_York."
        ) from exc
    mode = str(_env_override("mode", section.get("mode", "auto")))
    if mode not in MODES:
        raise ConfigError(f"[socialmart] mode = {mode!r}: use one of {', '.join(MODES)}.")
    warehouse = str(_env_override("warehouse", section.get("warehouse", "duckdb"))).lower()
    if warehouse not in WAREHOUSES:
        raise ConfigError(f"[socialmart] warehouse = {warehouse!r}: use one of {', '.join(WAREHOUSES)}.")
    lookback = int(_require(section, "lookback_days", config_path))
    if not 0 <= lookback <= 90:
        raise ConfigError(f"[socialmart] lookback_days = {lookback}: use a number of days from 0 to 90.")

    targets = section.get("targets", {})
    naming = section.get("naming", {})
    pacing_under_below, pacing_over_above = _pacing_thresholds(section.get("budgets", {}))
    fx = section.get("fx", {})
    carry_forward_days = _number(fx, "max_carry_forward_days", 0, "socialmart.fx")
    if carry_forward_days < 0 or carry_forward_days != int(carry_forward_days):
        raise ConfigError(
            f"[socialmart.fx] max_carry_forward_days = {fx['max_carry_forward_days']!r}: use a whole number >= 0."
        )
    postgres, postgres_reader_password = _postgres_secrets(project_dir, warehouse)
    return Settings(
        project_dir=project_dir,
        reporting_currency=currency,
        reporting_timezone=timezone,
        start_date=_parse_date(_require(section, "start_date", config_path), "start_date"),
        lookback_days=lookback,
        warehouse_dir=_resolve(project_dir, str(_require(section, "warehouse_dir", config_path))),
        reports_dir=_resolve(
            project_dir, str(_env_override("reports_dir", section.get("reports_dir", "output/reports")))
        ),
        inputs_dir=_resolve(project_dir, str(_require(section, "inputs_dir", config_path))),
        mode=mode,
        freshness_days=int(_env_override("freshness_days", section.get("freshness_days", 2))),
        on_track_min=float(targets.get("on_track_min", 0.95)),
        at_risk_min=float(targets.get("at_risk_min", 0.85)),
        pacing_under_below=pacing_under_below,
        pacing_over_above=pacing_over_above,
        fx_max_carry_forward_days=int(carry_forward_days),
        naming=_naming(naming),
        sources=document.get("sources", {}),
        warehouse=warehouse,
        postgres=postgres,
        postgres_reader_password=postgres_reader_password,
        validation_runs_kept=_runs_kept(section),
        pii_salt=_pii_salt(project_dir, section, config_path),
        gate=_gate_settings(section.get("gate", {})),
        alert_webhook_url=_alert_webhook_url(project_dir, section, config_path),
    )
