"""Exceptions raised by the connectors, and helpers that keep secrets out of them."""

from __future__ import annotations

from collections.abc import Iterable

from dlt.common.schema.exceptions import DataValidationError
from dlt.extract.exceptions import ResourceExtractionError
from dlt.pipeline.exceptions import PipelineStepFailed
from dlt.sources.helpers.rest_client.redaction import sanitize_url

__all__ = [
    "ColumnTypeError",
    "CustomerSaltError",
    "DateFormatError",
    "SourceApiError",
    "SourceAuthError",
    "SourceContractError",
    "find_source_error",
    "mask_secrets",
    "mask_url",
]


def mask_url(url: str) -> str:
    """Return `url` with secret query parameters (access_token, api_key, ...) replaced by `***`."""
    return sanitize_url(url)


def mask_secrets(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each non-empty secret in `text` by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class SourceApiError(RuntimeError):
    """An API call failed for good (after retries): names the source, account, endpoint, cause and fix.

    The message never contains an access token: URLs are masked and the token value is scrubbed.
    """

    def __init__(
        self,
        source: str,
        *,
        account: str | None,
        endpoint: str,
        status: int | None,
        platform_message: str,
        code: str | int | None = None,
        hint: str | None = None,
        method: str = "GET",
    ) -> None:
        self.source = source
        self.method = method
        self.account = account
        self.endpoint = endpoint
        self.status = status
        self.code = code
        self.platform_message = platform_message
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = f"{self.source}: {self.method} {self.endpoint}"
        if self.account:
            where += f" for account {self.account}"
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.code is not None:
            details.append(f"code {self.code}")
        detail = f" ({', '.join(details)})" if details else ""
        message = f'{where} failed{detail}: "{self.platform_message}"'
        if self.hint:
            message += f" — {self.hint}"
        return message


class SourceAuthError(SourceApiError):
    """The platform rejected the credentials (expired, revoked or wrong token, missing permission)."""


class SourceContractError(RuntimeError):
    """Loaded data broke a source's dlt schema contract (e.g. a known column arrived with another type).

    Built from dlt's DataValidationError: names the source, table and column, what changed and what to do.
    """

    def __init__(self, error: DataValidationError) -> None:
        self.source, self.table, self.column = error.schema_name, error.table_name, error.column_name
        self.entity = error.schema_entity
        super().__init__(self._format(error))

    def _format(self, error: DataValidationError) -> str:
        where = f"raw_{self.source}.{self.table}"
        if self.entity == "data_type":
            known = ((error.table_schema or {}).get("columns") or {}).get(self.column) or {}
            return (
                f'{self.source}: column "{self.column}" of {where} arrived with another type than its loaded '
                f"{known.get('data_type', 'type')}; the raw contract freezes the types of known columns, so nothing "
                "of this run was loaded — check the platform's changelog for this field, then convert it back to the "
                f"loaded type in sources/{self.source}, or migrate the column and its dbt staging model on purpose."
            )
        what = f'column "{self.column}" of {where}' if self.column else f"table {where}"
        return (
            f"{self.source}: new {what} is not allowed by the schema contract ({self.entity} frozen), so nothing of "
            f"this run was loaded — add it to the raw contract in sources/{self.source} and docs/design.md, or leave "
            "it out of the loaded rows."
        )


class _ServedValueError(ValueError):
    """A value the platform served in another shape than the connector reads, in the field `name`.

    Raised where the field is known; `find_source_error` adds the source and the table (the dlt resource)."""

    def __init__(
        self, name: str, value: object, wanted: object, source: str | None = None, table: str | None = None
    ) -> None:
        self.value, self.source, self.table = value, source, table
        self._fields = (name, value, wanted)
        where = f"{source}: table {table}, " if source and table else ""
        helpers = f"sources/{source}/helpers.py" if source else "the source's helpers.py"
        super().__init__(where + self._problem(name, value, wanted, helpers))

    def _problem(self, name: str, value: object, wanted: object, helpers: str) -> str:
        raise NotImplementedError

    def located(self, source: str | None, table: str | None) -> _ServedValueError:
        """This error naming the source and table it happened in (itself when it already does or they are unknown)."""
        if self.source or not (source and table):
            return self
        return type(self)(*self._fields, source, table)


class ColumnTypeError(_ServedValueError):
    """An API value that does not fit its raw column's numeric type: the platform changed the field's type."""

    def __init__(
        self, column: str, value: object, type_: object, source: str | None = None, table: str | None = None
    ) -> None:
        self.column, self.type_ = column, type_
        super().__init__(column, value, type_, source, table)

    def _problem(self, name: str, value: object, wanted: object, helpers: str) -> str:
        return (
            f"column {name!r} ({wanted}) got {value!r}, which is not a number: the platform changed this field's "
            f"type, so nothing of this run was loaded — check the platform's changelog, then convert the value in "
            f"{helpers}"
        )


class DateFormatError(_ServedValueError):
    """An API date or time in another format than the connector reads: the platform changed the field's format
    (never read as a guess: `01/05/2025` may be 5 January or 1 May)."""

    def __init__(
        self, field: str, value: object, expected: str, source: str | None = None, table: str | None = None
    ) -> None:
        self.field, self.expected = field, expected
        super().__init__(field, value, expected, source, table)

    def _problem(self, name: str, value: object, wanted: object, helpers: str) -> str:
        return (
            f"field {name!r} got {value!r}, which is not a date in the format the connector reads ({wanted}): the "
            f"platform changed this field's format, so nothing of this run was loaded — check the platform's "
            f"changelog, then read the new format in {helpers}"
        )


class CustomerSaltError(RuntimeError):
    """The customer ids a source already loaded were not hashed with this run's salt (sources/common/privacy.py)."""


def find_source_error(
    exc: BaseException,
) -> SourceApiError | SourceContractError | CustomerSaltError | ColumnTypeError | DateFormatError | None:
    """Walk the `__cause__`/`__context__` chain of `exc` (e.g. dlt's PipelineStepFailed) to our error.

    A DataValidationError (a broken schema contract) is returned as a SourceContractError, a ColumnTypeError or
    DateFormatError with the source and table (dlt's resource) it was raised in.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    source = table = None
    while current is not None and id(current) not in seen:
        if isinstance(current, PipelineStepFailed):
            source = current.pipeline.dataset_name.removeprefix("raw_")  # each source loads raw_<source>
        if isinstance(current, ResourceExtractionError):
            table = current.pipe_name
        if isinstance(current, ColumnTypeError | DateFormatError):
            return current.located(source, table)
        if isinstance(current, SourceApiError | CustomerSaltError):
            return current
        if isinstance(current, DataValidationError):
            return SourceContractError(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
