"""Which registered auditor an audit names: the one rule that matches an audit's `auditor` text to the register.

Why one rule: an audit carries its auditor as free text, typed on a laptop or a field app — the register id
(`wang.fang`), or the name in either language (`王芳`, `Wang Fang`). The lockout of the wave plan, coverage,
calibration, the signed-bundle check and the import check all ask "is this audit's auditor that registered
auditor?"; if each compared text its own way, an auditor who signs with a name would escape the lockout and be
counted twice in calibration. So they all resolve through `AuditorRegister.resolve`:

1. the text (trimmed) is a register **id** → that auditor (an id always wins: it is unique by construction);
2. else its normalised form (Unicode NFKC, case folded, runs of white space as one space, none between two
   non-Latin characters: `王 芳` = `王芳`, `wang  FANG` = `Wang Fang`) equals the normalised **id, zh name or en
   name** of exactly one auditor → that auditor;
3. several auditors share that name → **ambiguous**: refused, never guessed (the audit should carry the id);
4. nothing → **unknown**, with the closest ids and names as a did-you-mean.

Pure: no I/O; the register is whatever the caller read from storage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from dealer_audit.core.answers import Audit, AuditKind
from dealer_audit.core.auditors import Auditor
from dealer_audit.core.lookup import did_you_mean_hint
from dealer_audit.errors import Location, Message, Problem, Severity

_SPACES = re.compile(r"\s+")
_REGISTER_AUDITOR = Message(
    "add the auditor with `dealer-audit auditors import FILE`", "请用 `dealer-audit auditors import FILE` 登记该稽核员"
)
_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")  # 王 芳 → 王芳; Wang Fang keeps its space


def normalise_name(text: str) -> str:
    """The comparable form of an auditor's id or name (see the module docstring, step 2)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _BETWEEN_WIDE.sub("", _SPACES.sub(" ", folded).strip())


class MatchKind(StrEnum):
    ID = "id"  # the text is the auditor's id
    NAME = "name"  # the text is the auditor's id, zh or en name once normalised
    AMBIGUOUS = "ambiguous"  # several auditors answer to it
    UNKNOWN = "unknown"  # nobody answers to it (or the text is empty)


@dataclass(frozen=True)
class AuditorMatch:
    """What an auditor text resolved to: the auditor (ID, NAME), the candidates (AMBIGUOUS) or nothing."""

    text: str
    kind: MatchKind
    auditor: Auditor | None = None
    candidates: tuple[Auditor, ...] = ()


class AuditorRegister:
    """The auditor register indexed once (by id, by normalised id and names), so thousands of audits resolve fast."""

    def __init__(self, auditors: Iterable[Auditor] = ()) -> None:
        self.auditors: tuple[Auditor, ...] = tuple(sorted(auditors, key=lambda a: a.id))
        self._by_id = {a.id: a for a in self.auditors}
        self._by_name: dict[str, dict[str, Auditor]] = defaultdict(dict)
        for auditor in self.auditors:
            for text in (auditor.id, auditor.name.zh, auditor.name.en):
                key = normalise_name(text)
                if key:
                    self._by_name[key][auditor.id] = auditor

    def __bool__(self) -> bool:
        """False for an empty register: then no audit's auditor is checked or merged (nothing to match against)."""
        return bool(self.auditors)

    def __len__(self) -> int:
        return len(self.auditors)

    def resolve(self, text: str) -> AuditorMatch:
        """The registered auditor `text` names, by the rule of the module docstring."""
        trimmed = text.strip()
        if trimmed in self._by_id:
            return AuditorMatch(text, MatchKind.ID, self._by_id[trimmed])
        found = self._by_name.get(normalise_name(text), {}) if trimmed else {}
        if len(found) == 1:
            return AuditorMatch(text, MatchKind.NAME, next(iter(found.values())))
        if found:
            return AuditorMatch(text, MatchKind.AMBIGUOUS, candidates=tuple(found[k] for k in sorted(found)))
        return AuditorMatch(text, MatchKind.UNKNOWN)

    def key(self, text: str) -> str:
        """The identity to compare audits by: the registered id the text names, else the text itself (unknown or
        ambiguous texts stay apart: only the register may say that two spellings are one person)."""
        auditor = self.resolve(text).auditor
        return auditor.id if auditor is not None else text

    def same(self, text: str, other: str) -> bool:
        """True when both texts name the same auditor (the same registered auditor, or the very same text)."""
        return text == other or self.key(text) == self.key(other)

    @property
    def spellings(self) -> set[str]:
        """Every id and name of the register: what a did-you-mean chooses from."""
        return {s for a in self.auditors for s in (a.id, a.name.zh, a.name.en) if s}

    def describe(self, auditor: Auditor) -> str:
        """`id (王芳 / Wang Fang)`: how messages name a registered auditor."""
        names = " / ".join(dict.fromkeys(n for n in (auditor.name.zh, auditor.name.en) if n))
        return f"{auditor.id} ({names})" if names else auditor.id


def locked_pairs(visited: Iterable[tuple[str, str]], register: AuditorRegister) -> set[tuple[str, str]]:
    """(auditor id, dealer) pairs the lockout forbids, from (auditor text, dealer) pairs of earlier waves' audits
    and plans: an audit naming its auditor by name bars that registered auditor just as one naming the id."""
    return {(register.key(auditor), dealer) for auditor, dealer in visited}


def same_auditor_spelling(audits: Sequence[Audit], register: AuditorRegister) -> list[Audit]:
    """The audits with one spelling per registered auditor, for figures kept per auditor text (calibration).

    An auditor whose audits all spell them the same way keeps that spelling (so figures and labels do not move);
    one spelled several ways (`wang.fang` on some audits, `王芳` on others) is put under the register id, so they
    count as one auditor instead of two. Unknown and ambiguous texts are left as they are.
    """
    spellings: dict[str, set[str]] = defaultdict(set)
    for audit in audits:
        spellings[register.key(audit.auditor)].add(audit.auditor)
    relabel = {text: key for key, texts in spellings.items() if len(texts) > 1 for text in texts}
    return [replace(a, auditor=relabel[a.auditor]) if a.auditor in relabel else a for a in audits]


def auditor_problem(audit: Audit, register: AuditorRegister, where: Location, required: bool) -> Problem | None:
    """The import check of an audit's auditor against the register (None: fine, or nothing to check).

    A self-assessment is filled by dealer staff, who are never in the register: not checked. Without a register
    nothing is checked unless the program requires registered auditors (then every audit is refused, with how to
    load the register). Unknown or ambiguous: a warning, an error when `required`. Inactive: always a warning
    (an old audit of someone who has left still imports).
    """
    if audit.kind is AuditKind.SELF:
        return None
    severity = Severity.ERROR if required else Severity.WARNING
    at = Location(file=where.file, line=where.line, sheet=where.sheet, cell=where.cell, path="auditor")
    if not register:
        if not required:
            return None
        return Problem(
            at,
            f"audit {audit.audit_id}: the program requires registered auditors, and no auditor register is stored",
            "unregistered_auditor",
            severity,
            hint="load the register with `dealer-audit auditors import FILE`, then import again",
            zh=f"稽核记录 {audit.audit_id}：稽核方案要求稽核员已登记，但尚未导入稽核员名册",
            hint_zh="请先用 `dealer-audit auditors import FILE` 导入稽核员名册，再重新导入",
        )
    match = register.resolve(audit.auditor)
    if match.kind is MatchKind.AMBIGUOUS:
        names = ", ".join(register.describe(a) for a in match.candidates)
        return Problem(
            at,
            f"audit {audit.audit_id}: auditor '{audit.auditor}' names several registered auditors: {names}",
            "ambiguous_auditor",
            severity,
            hint="write the auditor's id in the audit's `auditor` field",
            zh=f"稽核记录 {audit.audit_id}：稽核员“{audit.auditor}”对应多名已登记稽核员：{names}",
            hint_zh="请在稽核记录的 `auditor` 字段中填写稽核员编号",
        )
    if match.auditor is None:
        named = bool(audit.auditor.strip())
        who = f"auditor '{audit.auditor}' is" if named else "no auditor is named, which is"
        who_zh = f"稽核员“{audit.auditor}”不在稽核员名册中" if named else "未填写稽核员，无法在稽核员名册中核对"
        text, spellings = audit.auditor.strip(), register.spellings
        hint = did_you_mean_hint(text, spellings, quoted=True, otherwise=_REGISTER_AUDITOR)
        return Problem(
            at,
            f"audit {audit.audit_id}: {who} not in the auditor register",
            "unregistered_auditor",
            severity,
            hint=hint.en,
            zh=f"稽核记录 {audit.audit_id}：{who_zh}",
            hint_zh=hint.zh,
        )
    if not match.auditor.active:
        described = register.describe(match.auditor)
        return Problem(
            at,
            f"audit {audit.audit_id}: auditor {described} is inactive in the register",
            "inactive_auditor",
            Severity.WARNING,
            hint="mark the auditor active again (`active: yes`) if they still audit",
            zh=f"稽核记录 {audit.audit_id}：稽核员 {described} 在稽核员名册中已停用",
            hint_zh="如该稽核员仍在执行稽核，请将其重新设为启用（`active: yes`）",
        )
    return None
