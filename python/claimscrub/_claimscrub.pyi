"""Type stubs of the Rust extension module behind ``claimscrub``."""

import pyarrow

__version__: str

class ClaimscrubError(Exception):
    """Base class of every claimscrub error."""

class ConfigError(ClaimscrubError):
    """Rules, code sets, payer or date that an engine cannot be built from."""

class CodeError(ClaimscrubError):
    """A code lookup that cannot be answered (no code, unknown system, set not loaded)."""

class InputError(ClaimscrubError):
    """An input that cannot be read at all (unknown format, empty, broken X12 envelope)."""

class Engine:
    """Rules compiled once against the code sets; thread-safe."""

    def __init__(
        self,
        rules: list[str] = ...,
        default_rules: bool = True,
        codesets: str | None = None,
        payer: str | None = None,
        as_of: str | None = None,
        preview: bool = False,
        per_line_notices: bool = False,
        threads: int | None = None,
    ) -> None: ...
    @property
    def rule_count(self) -> int: ...
    @property
    def diagnostics(self) -> list[str]: ...
    def check_json(self, data: bytes, format: str | None = None, name: str = "<input>") -> bytes:
        """The ``check --format json`` document of one input."""
    def check_arrow(
        self, batch: pyarrow.RecordBatch, claim_col: str = "claim", format: str = "json"
    ) -> pyarrow.RecordBatch:
        """Findings and error rows of a batch with one input per row."""
    def summary_arrow(
        self, batch: pyarrow.RecordBatch, claim_col: str = "claim", format: str = "json"
    ) -> str:
        """The ``check`` summary of a batch as JSON, with ``by_carc``."""

def finding_columns() -> list[tuple[str, str]]:
    """The columns ``check_arrow`` adds, as ``(name, arrow type)``."""


def lookup(
    code: str, date: str | None = None, system: str | None = None, codesets: str | None = None
) -> str:
    """The ``codes lookup --json`` document of a code, as JSON text."""
