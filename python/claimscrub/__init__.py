"""claimscrub: the rule-based medical claim scrubber's engine, from Python.

``Engine`` compiles the rules once; ``Engine.check`` takes claims as dicts or as JSON,
NDJSON, X12 or FHIR text and returns the findings ``claimscrub check --format json`` writes;
``Engine.check_arrow`` does the same for a ``pyarrow.RecordBatch``. ``claimscrub.spark``
runs it over Spark DataFrames.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from datetime import date as _date
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union

from ._claimscrub import ClaimscrubError, CodeError, ConfigError, InputError, __version__
from ._claimscrub import Engine as _Engine
from ._claimscrub import finding_columns as _finding_columns
from ._claimscrub import lookup as _lookup

if TYPE_CHECKING:
    import pyarrow

__all__ = [
    "ClaimscrubError",
    "CodeError",
    "ConfigError",
    "Engine",
    "InputError",
    "Report",
    "lookup",
    "FINDING_COLUMNS",
    "__version__",
]

#: The columns ``Engine.check_arrow`` adds, as ``(name, arrow type)``: the keys of a finding
#: in ``check --format json``, then ``status`` and ``error``.
FINDING_COLUMNS: list[tuple[str, str]] = list(_finding_columns())

Claims = Union[str, bytes, bytearray, memoryview, Mapping[str, Any], Sequence[Mapping[str, Any]]]
PathArg = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Report:
    """What ``Engine.check`` found: the ``check --format json`` document, taken apart."""

    #: One entry per input claim, exactly as in the JSON report's ``claims`` array.
    claims: list[dict[str, Any]]
    #: The run's summary, exactly as in the JSON report.
    summary: dict[str, Any]
    #: Every finding, in claim order (the ``findings`` of each checked claim).
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: The error record of each unreadable claim (its ``error`` in the JSON report).
    errors: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "Report":
        """A report from a ``check --format json`` document."""
        claims = list(doc["claims"])
        return cls(
            claims=claims,
            summary=dict(doc["summary"]),
            findings=[f for c in claims for f in c["findings"]],
            errors=[c["error"] for c in claims if c["status"] == "unreadable"],
        )


def _paths(rules: PathArg | Iterable[PathArg] | None) -> list[str]:
    if rules is None:
        return []
    if isinstance(rules, (str, os.PathLike)):
        return [os.fspath(rules)]
    return [os.fspath(r) for r in rules]


def _as_bytes(claims: Claims) -> bytes:
    if isinstance(claims, str):
        return claims.encode("utf-8")
    if isinstance(claims, (bytes, bytearray, memoryview)):
        return bytes(claims)
    if isinstance(claims, Mapping) or isinstance(claims, Sequence):
        return json.dumps(claims).encode("utf-8")
    raise TypeError(
        f"claims must be a dict, a list of dicts, or JSON, NDJSON, X12 or FHIR text, "
        f"not {type(claims).__name__}"
    )


class Engine:
    """Rules compiled once against the code sets; thread-safe, reused for every check.

    ``rules`` names rule directories loaded with the built-in packs (or instead of them,
    with ``default_rules=False``); ``codesets`` a compiled code-set directory used over the
    built-in sets; ``payer`` scopes every claim as one payer id or payer pack; ``as_of`` is the
    submission date assumed for claims without one (default today). ``threads`` bounds the
    threads a check runs on (default one per core). Errors raise ``ConfigError`` with the
    command line's message.
    """

    def __init__(
        self,
        rules: PathArg | Iterable[PathArg] | None = None,
        default_rules: bool = True,
        codesets: PathArg | None = None,
        payer: str | None = None,
        as_of: str | date | None = None,
        *,
        preview: bool = False,
        per_line_notices: bool = False,
        threads: int | None = None,
    ) -> None:
        if isinstance(as_of, date):
            as_of = as_of.isoformat()
        self._engine = _Engine(
            rules=_paths(rules),
            default_rules=default_rules,
            codesets=None if codesets is None else os.fspath(codesets),
            payer=payer,
            as_of=as_of,
            preview=preview,
            per_line_notices=per_line_notices,
            threads=threads,
        )

    @property
    def rule_count(self) -> int:
        """How many rules the engine runs."""
        return self._engine.rule_count

    @property
    def diagnostics(self) -> list[str]:
        """The rule compile's warnings, as ``check`` prints them to stderr."""
        return self._engine.diagnostics

    def check(self, claims: Claims, format: str | None = None, name: str = "<input>") -> Report:
        """Check claims: a dict, a list of dicts, or JSON, NDJSON, X12 or FHIR text.

        ``format`` (``json``, ``ndjson``, ``x12``, ``fhir``) is detected when absent; ``name``
        is the input's name in the records. Unreadable claims are error records in the
        report; an input that cannot be read at all raises ``InputError``.
        """
        doc = self._engine.check_json(_as_bytes(claims), format, name)
        return Report.from_json(json.loads(doc))

    def check_arrow(
        self, batch: "pyarrow.RecordBatch", claim_col: str = "claim", format: str = "json"
    ) -> "pyarrow.RecordBatch":
        """Check a RecordBatch with one input per row in ``claim_col`` (string or binary).

        Returns a RecordBatch with one row per finding and one per unreadable claim: the
        input row's other columns, then ``FINDING_COLUMNS``. The batch is read in place
        through the Arrow C data interface.
        """
        return self._engine.check_arrow(batch, claim_col, format)

    def summary_arrow(
        self, batch: "pyarrow.RecordBatch", claim_col: str = "claim", format: str = "json"
    ) -> dict[str, Any]:
        """The ``check`` summary of a RecordBatch of inputs, with ``by_carc`` added."""
        return json.loads(self._engine.summary_arrow(batch, claim_col, format))


def lookup(
    code: str,
    date: str | date | None = None,
    system: str | None = None,
    codesets: PathArg | None = None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """What ``claimscrub codes lookup --json`` says about ``code`` as of ``date`` (default
    today): status, titles, validity, attributes, billable codes under a header, suggestions,
    notes. ``system`` is guessed from the code's shape when absent; a two-character code that
    is both a modifier and a place of service gives a list of both. ``codesets`` is a compiled
    directory used over the built-in sets. Raises ``CodeError`` or ``ConfigError`` with the
    command line's message.
    """
    if isinstance(date, _date):
        date = date.isoformat()
    path = None if codesets is None else os.fspath(codesets)
    return json.loads(_lookup(code, date, system, path))
