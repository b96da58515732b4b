"""Small helpers every store of the repository shares: timestamps as stored, "did you mean" suffixes, batching."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from dealer_audit.core.batches import chunks
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.errors import Message

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

T = TypeVar("T")

CHUNK = 500  # keeps IN (...) lists well under every database's parameter limit


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def time_text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def did_you_mean_suffix(word: str, candidates: Iterable[str]) -> Message:
    """core/lookup.did_you_mean_hint in brackets, to end a message in either language (empty texts when nothing
    is close): one scan of `candidates` for both."""
    hint = did_you_mean_hint(word, candidates)
    return Message(f" ({hint.en})", f"（{hint.zh}）") if hint.en else hint


def chunks_of(values: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    """Batches of at most `size` (default: under every database's parameter limit)."""
    return chunks(values, size)


class StoreBase:
    """The base of the repository's store mixins: what Repository (storage/repository.py) provides them — one
    write transaction with retries, a read session, the dialect and the URL for messages — declared once for the
    type checker. Defines nothing at run time."""

    if TYPE_CHECKING:

        def _write(self, work: Callable[[Session], T]) -> T: ...
        def _read(self) -> AbstractContextManager[Session]: ...
        @property
        def dialect(self) -> str: ...
        @property
        def display_url(self) -> str: ...
