"""Errors the capture wizard shows while it runs: each carries its message in English and Chinese, so the
auditor reads it in the language the wizard was started in (`--lang`)."""

from __future__ import annotations

from dealer_audit.errors import DealerAuditError


class BilingualError(DealerAuditError):
    """A user error with an English message (`str(error)`, for logs and the CLI) and a Chinese one."""

    def __init__(self, en: str, zh: str = "") -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh or en

    def text(self, lang: str) -> str:
        """The message in `lang` (zh… → Chinese, anything else English)."""
        return self.zh if lang.startswith("zh") else self.en
