"""How many failed sign-ins the server accepts before it stops listening: a password-guessing brake for /login.

Why here and in memory: the accounts mode serves a regional office or HQ from one process; a guesser must not try
thousands of passwords against one account, nor one password against every account name from one machine. After
`MAX_FAILURES` failed attempts within `WINDOW_S` seconds for an account name, or from one client address, further
attempts for that name or from that address are refused, before the password is checked, until the oldest of
those failures is older than the window. A refused attempt does not count as a failure (a guesser who keeps
knocking cannot push the end further out), and a successful sign-in clears its account name's failures. Nothing
is stored: restarting the server forgets the failures, and each server process counts its own (docs/security.md).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

MAX_FAILURES = 5
WINDOW_S = 15 * 60.0
KEYS_KEPT = 10_000  # names and addresses remembered at most: a flood of made-up names cannot fill the memory


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an attempt is refused now, and for how long."""

    seconds: float

    @property
    def minutes(self) -> int:
        """Whole minutes to wait, rounded up (the page says "in 3 minutes", never "in 0 minutes")."""
        return max(1, math.ceil(self.seconds / 60))


def _name_key(name: str) -> str:
    return "name:" + name.strip().casefold()[:64]


def _address_key(address: str) -> str:
    return "addr:" + address


class SignInLimit:
    """Failed sign-ins per account name and per client address, within a sliding window (thread-safe)."""

    def __init__(
        self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        """The failures of `key` still inside the window (older ones dropped)."""
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def refusal(self, name: str, address: str) -> Refusal | None:
        """None when this attempt may be checked; else how long until the name and the address may try again."""
        now = self._clock()
        with self._lock:
            waits = [
                times[-self.max_failures] + self.window_s - now
                for key in (_name_key(name), _address_key(address))
                if len(times := self._recent(key, now)) >= self.max_failures
            ]
        return Refusal(max(waits)) if waits else None

    def failed(self, name: str, address: str) -> None:
        """Count one failed attempt against the name and the address."""
        now = self._clock()
        with self._lock:
            if len(self._failures) >= KEYS_KEPT:
                for key in list(self._failures):
                    self._recent(key, now)
                while len(self._failures) >= KEYS_KEPT:  # still full of recent keys: forget the oldest ones
                    del self._failures[next(iter(self._failures))]
            for key in (_name_key(name), _address_key(address)):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name: str) -> None:
        """A correct password: the account's failures are forgotten (its address's are not)."""
        with self._lock:
            self._failures.pop(_name_key(name), None)


__all__ = ["MAX_FAILURES", "WINDOW_S", "Refusal", "SignInLimit"]
