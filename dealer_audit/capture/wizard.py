"""The interactive capture wizard: one item at a time, keyboard only, every answer saved as it is given.

Why this shape: the wizard is a thin loop around `CaptureSession` (which owns the rules) that shows an item,
reads one line and calls the session. Everything the auditor types goes through `Console.input`, i.e. plain
line input on the terminal's stdin, so it works in any terminal, over ssh and under a pseudo-terminal in tests.
Persistence happens inside the session's `save` callback, so quitting, a crash or a flat battery between two
keystrokes loses at most the line being typed.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from dealer_audit.capture.drafts import CaptureRepository, open_capture
from dealer_audit.capture.evidence import store_evidence
from dealer_audit.capture.messages import BilingualError
from dealer_audit.capture.session import CaptureError, CaptureSession, EvidenceRequired
from dealer_audit.core.answers import Answer
from dealer_audit.core.standard import AnswerType, Item
from dealer_audit.errors import DealerAuditError, DraftChanged

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "yes": "yes",
        "no": "no",
        "na": "N/A",
        "guidance": "Guidance",
        "score": "running score",
        "answer": "current answer",
        "note": "note",
        "photos": "photos",
        "needs": "Required before moving on: {needs}",
        "need_note": "Note required: what did you see? (Enter alone: back to the item)",
        "need_photo": "Photo required: path of the photo file (Enter alone: back to the item)",
        "saved_quit": "Saved. Continue later with:",
        "end": "All applicable items have been shown.",
        "missing": "Required items not answered",
        "evidence_missing": "Evidence still missing",
        "preliminary": "Preliminary score",
        "finalise_q": "Finalise the audit now? (y/n)",
        "finalised": "Audit {id} finalised.",
        "incomplete": "The audit cannot be finalised yet: answer the items above (j ID) or q to quit and resume later.",
        "end_prompt": "j ID go to an item, f finalise, q quit",
        "hidden_note": "(not shown: {n} item(s) that do not apply)",
        "number_hint": "a number",
        "text_hint": "type the text",
        "photo_hint": "the photo's file path (copied into the evidence store)",
        "multi_hint": "one or more, separated by commas",
        "required": "required",
        "optional": "optional",
        "intro": "? = help · q = quit (every answer is saved as you give it)",
        "draft_changed": "NOT SAVED: audit {id} was changed elsewhere (another window, process or an import): {what}. "
        "Your input for {item} was not stored; the answers shown now are the stored ones.",
        "changed_final": "it was finalised",
        "changed_items": "changed items {items}",
        "changed_none": "no answer differs from yours, but it was saved again",
        "stopped_final": "The audit is final now, so this wizard stops. Changing a final audit needs a reason "
        "(ask HQ).",
        "finalise_refused": "NOT FINALISED: audit {id} was changed elsewhere: {what}. Check the answers shown, "
        "then finalise again.",
        "not_saved_quit": "Not everything was saved: {n} input(s) were refused (shown above). Continue later with:",
    },
    "zh": {
        "yes": "是",
        "no": "否",
        "na": "不适用",
        "guidance": "检查指引",
        "score": "当前得分",
        "answer": "当前答案",
        "note": "备注",
        "photos": "照片",
        "needs": "继续前必须提供：{needs}",
        "need_note": "必须填写备注：看到了什么？（直接回车：返回该项目）",
        "need_photo": "必须附照片：输入照片文件路径（直接回车：返回该项目）",
        "saved_quit": "已保存。稍后继续：",
        "end": "所有适用的项目都已显示。",
        "missing": "未回答的必答项目",
        "evidence_missing": "仍缺少的证据",
        "preliminary": "初步得分",
        "finalise_q": "现在定稿吗？(y/n)",
        "finalised": "稽核 {id} 已定稿。",
        "incomplete": "尚不能定稿：请回答上面的项目（j 编号），或按 q 退出稍后继续。",
        "end_prompt": "j 编号 跳转，f 定稿，q 退出",
        "hidden_note": "（{n} 个不适用的项目未显示）",
        "number_hint": "数字",
        "text_hint": "输入文字",
        "photo_hint": "照片文件路径（复制到证据库）",
        "multi_hint": "可多选，用逗号分隔",
        "required": "必答",
        "optional": "选答",
        "intro": "? = 帮助 · q = 退出（每个答案输入后立即保存）",
        "draft_changed": "未保存：稽核 {id} 已在别处（其他窗口、进程或导入）被修改：{what}。"
        "您对 {item} 的输入没有保存；现在显示的是已存储的答案。",
        "changed_final": "已被定稿",
        "changed_items": "变更的项目 {items}",
        "changed_none": "答案与您的相同，但已被重新保存",
        "stopped_final": "该稽核现已定稿，向导结束。修改已定稿的稽核需要说明理由（请联系总部）。",
        "finalise_refused": "未定稿：稽核 {id} 已在别处被修改：{what}。请核对现在显示的答案后再定稿。",
        "not_saved_quit": "并非全部已保存：{n} 项输入被拒绝（见上）。稍后继续：",
    },
}

HELP = {
    "en": """[bold]Keys[/] (type, then Enter)
  y / n / a        yes / no / N/A (where allowed)
  7, 2.5           a number or a scale value
  1  or  wifi      a choice by number or code; several: 1,3 or wifi,drinks
  b                back to the previous item
  j R04            jump to item R04
  s                skip (leave unanswered for now)
  +n TEXT          add a note (+n alone asks for it)
  +p PATH          attach a photo (copied into the evidence store)
  ?                this help
  q                quit; every answer is already saved, resume with --resume""",
    "zh": """[bold]按键[/]（输入后按回车）
  y / n / a        是 / 否 / 不适用（允许时）
  7, 2.5           数字或评分
  1  或  wifi      按序号或代码选择；多选：1,3 或 wifi,drinks
  b                返回上一项
  j R04            跳到项目 R04
  s                跳过（暂不回答）
  +n 文字          添加备注（只输入 +n 会提示输入）
  +p 路径          附照片（复制到证据库）
  ?                显示帮助
  q                退出；所有答案已保存，用 --resume 继续""",
}


@dataclass(frozen=True)
class WizardResult:
    """How the wizard ended: the audit as saved, whether it was finalised, whether the auditor quit early."""

    audit_id: str
    finalised: bool
    quit: bool
    answered: int
    refused: int = 0  # inputs the repository refused (the audit changed underneath) and that were not re-entered


class _Quit(Exception):
    """The auditor typed q (or closed input); everything is saved already."""


class _Stop(Exception):
    """The audit was finalised elsewhere: nothing more can be captured here."""


class Wizard:
    """Drives one CaptureSession on a rich Console. `finalise` is called once when the auditor confirms."""

    def __init__(
        self,
        session: CaptureSession,
        console: Console,
        evidence_dir: Path,
        finalise: Callable[[], None],
        lang: str = "zh",
        resume_hint: str = "",
        stream: TextIO | None = None,
    ) -> None:
        self.session = session
        self.console = console
        self.evidence_dir = evidence_dir
        self.finalise = finalise
        self.lang = "zh" if lang.startswith("zh") else "en"
        self.t = TEXTS[self.lang]
        self.resume_hint = resume_hint
        self.finalised = False
        self.stream = stream  # None: the terminal's stdin (tests pass a StringIO of typed lines)
        self.declined: str | None = None  # the item whose evidence prompt was left with Enter: not asked again

    # -- input/output ----------------------------------------------------------------------------------------

    def read(self, prompt: str) -> str:
        """One typed line; end of input or Ctrl-C quits (everything is saved already)."""
        try:
            line = self.console.input(prompt, stream=self.stream)
        except EOFError:
            raise _Quit from None
        except KeyboardInterrupt:
            self.console.print()
            raise _Quit from None
        if self.stream is not None:
            if line == "":  # readline() at end of input
                raise _Quit
            self.console.print(line.rstrip("\n"), markup=False, highlight=False)  # echo, as a terminal would
        return line.rstrip("\r\n")

    def warn(self, message: str) -> None:
        self.console.print(f"[yellow]! {escape(message)}[/]")

    # -- rendering -------------------------------------------------------------------------------------------

    def describe_choices(self, item: Item) -> str:
        t = self.t
        na = f"  [bold]a[/] {t['na']}" if item.na_allowed else ""
        if item.type is AnswerType.YES_NO:
            return f"[bold]y[/] {t['yes']}  [bold]n[/] {t['no']}{na}"
        if item.type in (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE):
            options = "  ".join(
                f"[bold]{n}[/] {escape(o.label.get(self.lang))} ({escape(o.code)})"
                for n, o in enumerate(item.options, 1)
            )
            multi = f"  — {t['multi_hint']}" if item.type is AnswerType.MULTIPLE_CHOICE else ""
            return options + multi + na
        if item.type is AnswerType.SCALE:
            low, high = (item.scale.min, item.scale.max) if item.scale else (1, 5)
            return f"[bold]{low}–{high}[/]{na}"
        if item.type is AnswerType.NUMBER:
            unit = f" {escape(item.unit.get(self.lang))}" if item.unit else ""
            limits = ""
            if item.range is not None:
                floor = "" if item.range.min is None else f"{item.range.min:g}"
                ceiling = "" if item.range.max is None else f"{item.range.max:g}"
                limits = f" ({floor}–{ceiling})"
            return f"{t['number_hint']}{unit}{limits}{na}"
        if item.type is AnswerType.PHOTO:
            return f"{t['photo_hint']}{na}"
        return f"{t['text_hint']}{na}"

    def describe_answer(self, answer: Answer | None) -> str:
        if answer is None:
            return ""
        t = self.t
        parts = []
        if answer.na:
            parts.append(t["na"])
        elif answer.value is not None:
            value = answer.value
            parts.append(", ".join(value) if isinstance(value, tuple) else str(value))
        if answer.note:
            parts.append(f"{t['note']}: {answer.note}")
        if answer.evidence:
            parts.append(f"{t['photos']}: {len(answer.evidence)}")
        return " · ".join(parts)

    def show(self, item: Item) -> None:
        session, t, lang = self.session, self.t, self.lang
        progress = session.progress_of(item)
        score = session.running_score()
        score_text = "–" if score is None else f"{score:.1f}"
        position = [i.id for i in session.visible_items()]
        header = (
            f"{escape(progress.section.title.get(lang))}  {progress.answered}/{progress.visible}"
            f"  ·  {len(position) and position.index(item.id) + 1}/{len(position)}"
            f"  ·  {t['score']} {score_text}"
        )
        lines = [f"[bold cyan]\\[{item.id}][/] [bold]{escape(item.text.get(lang))}[/]"]
        other = "en" if lang == "zh" else "zh"
        if item.text.get(other) != item.text.get(lang):
            lines.append(f"[dim]{escape(item.text.get(other))}[/]")
        tags = [t["required"] if item.required else t["optional"]]
        if item.critical is not None:
            tags.append("[red]critical[/]" if lang == "en" else "[red]关键项[/]")
        if item.reference:
            tags.append(escape(item.reference))
        lines.append("[dim]" + " · ".join(tags) + "[/]")
        if item.guidance:
            lines.append(f"[italic]{t['guidance']}: {escape(item.guidance.get(lang))}[/]")
        lines.append(self.describe_choices(item))
        current = self.describe_answer(session.answer_of(item.id))
        if current:
            lines.append(f"[green]{t['answer']}: {escape(current)}[/]")
        self.console.print(Panel("\n".join(lines), title=header, title_align="left", expand=True))

    # -- the loop --------------------------------------------------------------------------------------------

    def run(self) -> WizardResult:
        """Ask items until the end or q; then the summary and, when complete, the finalise question."""
        quit_early = False
        try:
            self.console.print(f"[dim]{self.t['intro']}[/]")
            while True:
                try:
                    if self.step():
                        break
                except DraftChanged as changed:
                    self.refusal(changed)
        except _Quit:
            quit_early = not self.finalised
        except _Stop:
            self.console.print(f"[bold red]{escape(self.t['stopped_final'])}[/]")
        if quit_early:
            refused = len(self.session.refused)
            if refused:  # "Saved" only when it is true
                self.console.print(f"[bold red]{escape(self.t['not_saved_quit'].format(n=refused))}[/]")
            else:
                self.console.print(f"[green]{self.t['saved_quit']}[/]")
            if self.resume_hint:
                self.console.print(f"  {escape(self.resume_hint)}", soft_wrap=True)
        answered = sum(1 for a in self.session.audit.answers.values() if a.is_answered)
        return WizardResult(
            self.session.audit.audit_id, self.finalised, quit_early, answered, len(self.session.refused)
        )

    def step(self) -> bool:
        """Show the current item and handle one typed line (or the summary at the end); True when done."""
        item = self.session.current
        if item is None:
            return self.end_of_audit()
        self.show(item)
        if self.session.pending_evidence(item) and self.declined != item.id:  # e.g. resumed after a crash
            self.collect_evidence(item)
            if not self.session.pending_evidence(item):
                self.session.next()
                return False
        self.handle(item, self.read(f"{item.id}> "))
        return False

    def changed_words(self, changed: DraftChanged) -> str:
        if changed.finalised:
            return self.t["changed_final"]
        if changed.items:
            return self.t["changed_items"].format(items=", ".join(changed.items))
        return self.t["changed_none"]

    def refusal(self, changed: DraftChanged) -> None:
        """Show a write the repository refused because the audit changed underneath; stop when it is final."""
        item = self.session.refused[-1].item_id if self.session.refused else "?"
        message = self.t["draft_changed"].format(id=changed.audit_id, what=self.changed_words(changed), item=item)
        self.console.print(f"[bold red]{escape(message)}[/]", soft_wrap=True)
        if changed.finalised:
            raise _Stop

    def try_finalise(self) -> bool:
        """Finalise (True), or show why the repository refused (the audit changed since it was shown)."""
        try:
            self.finalise()
        except DraftChanged as changed:
            if changed.current is not None:
                self.session.adopt(changed.current)
            what = self.changed_words(changed)
            self.console.print(
                f"[bold red]{escape(self.t['finalise_refused'].format(id=changed.audit_id, what=what))}[/]",
                soft_wrap=True,
            )
            if changed.finalised:
                raise _Stop from None
            return False
        self.finalised = True
        self.console.print(f"[bold green]{self.t['finalised'].format(id=self.session.audit.audit_id)}[/]")
        return True

    def handle(self, item: Item, line: str) -> None:
        """One typed line: a command or an answer. Refusals are shown and the item is asked again."""
        text = line.strip()
        command = text.lower()
        try:
            if command == "":
                return
            if command == "q":
                raise _Quit
            if command == "?":
                self.console.print(HELP[self.lang])
            elif command == "b":
                self.session.back()
            elif command == "s":
                self.session.skip()
            elif command.startswith("j ") or (command[:1] == "j" and self.is_item_id(text[1:])):
                self.session.jump(text[1:].strip())
            elif command.startswith("+n"):
                note = text[2:].strip() or self.read(f"{self.t['note']}> ").strip()
                if note:
                    self.session.add_note(note)
            elif command.startswith("+p"):
                path = text[2:].strip() or self.read("path> ").strip()
                if path:
                    self.session.attach(store_evidence(path, self.evidence_dir))
            elif item.type is AnswerType.PHOTO and command not in ("a", "na", "n/a"):
                self.session.attach(store_evidence(text, self.evidence_dir))  # a photo item's answer is a path
                self.session.next()
            else:
                self.session.answer(text)
                self.collect_evidence(item)
                self.session.next()
        except EvidenceRequired as required:
            self.warn(self.t["needs"].format(needs=", ".join(self.need_words(required.needs))))
        except DraftChanged as changed:
            self.refusal(changed)
        except BilingualError as error:
            self.warn(error.text(self.lang))
        except DealerAuditError as error:
            self.warn(str(error))

    def is_item_id(self, text: str) -> bool:
        return text.strip().lower() in (i.id.lower() for i in self.session.items)

    def need_words(self, needs: tuple[str, ...]) -> list[str]:
        return [self.t["note"] if n == "note" else self.t["photos"] for n in needs]

    def collect_evidence(self, item: Item) -> None:
        """Ask for the note/photo the evidence rule demands right after the answer that triggered it."""
        self.declined = None
        while needs := self.session.pending_evidence(item):
            if "note" in needs:
                note = self.read(f"[yellow]{self.t['need_note']}[/]\n{item.id} {self.t['note']}> ").strip()
                if note.lower() == "q":
                    raise _Quit
                if not note:
                    self.declined = item.id
                    return  # back to the item: change the answer, +n / +p later, or q
                self.session.add_note(note, item.id)
                continue
            path = self.read(f"[yellow]{self.t['need_photo']}[/]\n{item.id} photo> ").strip()
            if path.lower() == "q":
                raise _Quit
            if not path:
                self.declined = item.id
                return  # the item keeps owing its photo; moving on is refused until it is given
            try:
                self.session.attach(store_evidence(path, self.evidence_dir), item.id)
            except BilingualError as error:
                self.warn(error.text(self.lang))
            except DealerAuditError as error:
                self.warn(str(error))

    def end_of_audit(self) -> bool:
        """The summary: missing items, preliminary score, finalise when complete. True when the wizard is done."""
        session, t, lang = self.session, self.t, self.lang
        self.console.rule(t["end"])
        missing = session.missing_required()
        evidence = session.evidence_missing()
        if missing:
            table = Table(title=t["missing"], show_header=False, box=None)
            for item in missing:
                table.add_row(f"[bold]{item.id}[/]", escape(item.text.get(lang)))
            self.console.print(table)
        if evidence:
            table = Table(title=t["evidence_missing"], show_header=False, box=None)
            for item, needs in evidence:
                table.add_row(f"[bold]{item.id}[/]", ", ".join(self.need_words(needs)))
            self.console.print(table)
        score = session.running_score()
        self.console.print(f"{t['preliminary']}: [bold]{'–' if score is None else f'{score:.1f}'}[/]")
        if session.is_complete:
            reply = self.read(f"{t['finalise_q']} ").strip().lower()
            if reply in ("y", "yes", "是", "f"):
                return self.try_finalise()
            if reply in ("n", "no", "否", "q", ""):
                raise _Quit
        else:
            self.console.print(t["incomplete"])
        line = self.read(f"{t['end_prompt']}> ").strip()
        if line.lower() == "q":
            raise _Quit
        if line.lower() == "f":
            if session.is_complete:
                return self.try_finalise()
            return False
        if line.lower() == "b":
            try:
                session.back()
            except CaptureError as error:
                self.warn(error.text(self.lang))
            return False
        if line.lower().startswith("j"):
            try:
                session.jump(line[1:].strip())
            except BilingualError as error:
                self.warn(error.text(self.lang))
            except DealerAuditError as error:
                self.warn(str(error))
        return False


def run_capture(
    repo: CaptureRepository,
    evidence_dir: Path,
    dealer_code: str,
    standard: str,
    wave: str,
    *,
    auditor: str = "",
    lang: str = "zh",
    resume: bool = False,
    console: Console | None = None,
    stream: TextIO | None = None,
) -> WizardResult:
    """`dealer-audit capture`: open or resume the draft, then run the wizard on the terminal."""
    console = console or Console(highlight=False)
    auditor = auditor or os.environ.get("DEALER_AUDIT_AUDITOR", "") or getpass.getuser()
    session, resumed = open_capture(repo, dealer_code, standard, wave, auditor, resume)
    store = session.draft_store
    assert store is not None
    audit = session.audit
    zh = lang.startswith("zh")
    title = f"{session.standard.title.get(lang)} · {session.dealer.name.get(lang) if session.dealer else ''}"
    console.print(f"[bold]{escape(title)}[/] ({escape(session.dealer.code if session.dealer else '')}, {escape(wave)})")
    if resumed:
        answered = sum(1 for a in audit.answers.values() if a.is_answered)
        message = f"继续稽核 {audit.audit_id}（已答 {answered} 项）" if zh else f"Resuming audit {audit.audit_id}"
        console.print(message if zh else f"{message} ({answered} answered)")
    else:
        console.print(f"新稽核 {audit.audit_id}" if zh else f"New audit {audit.audit_id}")
    hint = f"dealer-audit capture --dealer {dealer_code} --standard {standard} --wave {wave} --lang {lang} --resume"
    wizard = Wizard(
        session,
        console,
        evidence_dir,
        finalise=lambda: session.adopt(store.finalise(auditor)),
        lang=lang,
        resume_hint=hint,
        stream=stream,
    )
    return wizard.run()
