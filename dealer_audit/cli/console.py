"""The consoles the CLI prints to: results on stdout, messages and errors on stderr (the only rich import in cli/)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape as _escape_markup

from dealer_audit.errors import Message, is_zh, localized

# Tests set COLUMNS for deterministic wrapping; rich honours it.
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def escape(text: str) -> str:
    """User text (paths, item texts, messages) printed inside markup: its square brackets must not be read as
    rich markup ("[ui] language" would vanish)."""
    return _escape_markup(text)


def reset_for_tests(width: int = 120) -> None:
    """Re-create both consoles (CliRunner swaps sys.stdout per invocation; rich must follow)."""
    global out, err
    os.environ.setdefault("COLUMNS", str(width))
    out = Console(highlight=False, soft_wrap=False, width=width)
    err = Console(stderr=True, highlight=False, width=width)


SHORT_CELL = 12  # a column whose cells all fit in this many cells holds figures or codes: never wrapped or cut


# headers many tables share, in the reports' words (core/report_model/labels.py): the same word for the same thing
DEALER = Message("dealer", "经销商")
REGION = Message("region", "区域")
NAME = Message("name", "名称")
ITEM = Message("item", "检查项")
AUDITOR = Message("auditor", "稽核员")
WAVE = Message("wave", "批次")
STATUS = Message("status", "状态")
KIND = Message("kind", "类型")
RESULT = Message("result", "结果")
TOTAL = Message("total", "合计")

NOT_SHOWN = Message("(not shown at {width} columns: {names})", "（{width} 列宽下未显示：{names}）")


def _users_language() -> str:
    """The running command's language (cli/error_language.current_language), imported when asked: that module
    imports this one."""
    from dealer_audit.cli.error_language import current_language

    return current_language()


def print_table(
    columns: Sequence[str | Message],
    rows: Iterable[Sequence[str]],
    title: str | Message = "",
    to_stderr: bool = False,
    optional: Sequence[str] = (),
    lang: str | None = None,
) -> None:
    """A plain table (rich) on stdout or stderr; callers pass text cells, so no rich import spreads to commands.

    Headers and the title are read by the user, so they are shown in `lang`, by default the running command's
    (`_users_language`); a plain string is shown as it is. The cells are the caller's: it localizes the words it
    puts there. `optional` names columns by their English header (a column's `str()`), whatever language they are
    shown in, so one list serves both languages.

    Figures are never cut: a column of short cells (figures, codes, ranks like 24–28) keeps its full width. When
    the table is wider than the console (80 columns, or a pipe, which rich treats as 80), the `optional` columns
    are dropped in the order given; if it still does not fit, the table is printed as tab-separated text, whole,
    under the same (localized) headers (`--json` is the stable machine-readable form).
    """
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.table import Table

    lang = lang or _users_language()
    rows = [list(row) for row in rows]
    console = err if to_stderr else out
    english = [str(column) for column in columns]
    headers = [localized(column, lang) for column in columns]

    def build(keep: list[int]) -> Table:
        table = Table(show_lines=False)
        for index in keep:
            longest = max((cell_len(str(row[index])) for row in rows if index < len(row)), default=0)
            words = headers[index].split()
            if max(longest, *(cell_len(w) for w in words or [""])) <= SHORT_CELL:
                # figures and codes stay on one line, whole; the header may break between its words instead
                header = headers[index] if cell_len(headers[index]) <= longest else "\n".join(words)
                table.add_column(header, no_wrap=True, min_width=longest)
            else:
                table.add_column(headers[index], overflow="fold", min_width=min(max(longest, 6), 10))
        for row in rows:
            table.add_row(*(row[i] if i < len(row) else "" for i in keep))
        return table

    def fits(table: Table) -> bool:
        # measured unconstrained: rich clamps a measurement to the console width it is asked about
        return Measurement.get(console, console.options.update_width(100_000), table).minimum <= console.width

    keep = list(range(len(columns)))
    table = build(keep)
    for name in optional:
        if fits(table):
            break
        if name in english and english.index(name) in keep:
            keep.remove(english.index(name))
            table = build(keep)
    if title:  # printed on its own line: a table title would wrap to the (often narrower) table width
        console.print(localized(title, lang), soft_wrap=True, markup=False)
    if not fits(table):
        _print_tsv(
            [headers[i] for i in keep], [[row[i] if i < len(row) else "" for i in keep] for row in rows], console
        )
        return
    console.print(table)
    dropped = [headers[i] for i in range(len(columns)) if i not in keep]
    if dropped:
        # a Chinese header's space only lets it break over two lines: in a sentence its words run together
        names = "、".join("".join(h.split()) for h in dropped) if is_zh(lang) else ", ".join(dropped)
        console.print(localized(NOT_SHOWN, lang).format(width=console.width, names=names), markup=False)


def _print_tsv(columns: Sequence[str], rows: Sequence[Sequence[str]], console: Console) -> None:
    """The table as tab-separated lines (tabs and newlines inside cells become spaces): every figure whole."""

    def clean(cell: str) -> str:
        return str(cell).replace("\t", " ").replace("\n", " ")

    for line in [columns, *rows]:  # straight to the stream: rich would expand the tabs into spaces
        console.file.write("\t".join(clean(c) for c in line) + "\n")
    console.file.flush()


@contextmanager
def progress_bar(description: str, total: int, minimum: int = 1) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for batches of at least `minimum` steps; yields `advance_to(done)`.

    Shorter batches get a no-op, so quick commands print no bar at all.
    """
    if total < minimum:
        yield lambda _done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda done: progress.update(task, completed=done)


DONE = Message("done", "完成")


@contextmanager
def working(description: str | Message, lang: str | None = None) -> Iterator[Callable[[str | Message], None]]:
    """A status line on stderr (spinner, what is being done, time elapsed) for one long step without a count;
    yields `phase(text)` to name the part under way (e.g. the sheet being written).

    The line is read by the user, so it is in `lang`, by default the running command's (`_users_language`); a
    phase given as a `Message` is shown in `lang` too, a plain string (a sheet's name) as it is."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    lang = lang or _users_language()

    shown = localized(description, lang)
    separator = "：" if is_zh(lang) else ": "

    def phase(text: str | Message) -> None:
        progress.update(task, description=f"{shown}{separator}{localized(text, lang)}")

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=False
    ) as progress:
        task = progress.add_task(shown, total=None)
        yield phase
        phase(DONE)
