"""Errors the capture wizard shows while it runs: each carries its message in English and Chinese, so the
auditor reads it in the language the wizard was started in (`--lang`). The pair itself is `DealerAuditError`'s
(`zh=`, `text(lang)`); this class keeps the wizard's positional ``(en, zh)`` form."""

from __future__ import annotations

from dealer_audit.errors import DealerAuditError


class BilingualError(DealerAuditError):
    """A user error with an English message (`str(error)`, for logs and the CLI) and a Chinese one."""

    def __init__(self, en: str, zh: str = "") -> None:
        super().__init__(en, zh=zh)
        self.en = en
