"""The consoles the CLI prints to: results on stdout, messages and errors on stderr (the only rich import in cli/)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console

# Tests set COLUMNS for deterministic wrapping; rich honours it.
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def reset_for_tests(width: int = 120) -> None:
    """Re-create both consoles (CliRunner swaps sys.stdout per invocation; rich must follow)."""
    global out, err
    os.environ.setdefault("COLUMNS", str(width))
    out = Console(highlight=False, soft_wrap=False, width=width)
    err = Console(stderr=True, highlight=False, width=width)


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    title: str = "",
    to_stderr: bool = False,
) -> None:
    """A plain table (rich) on stdout or stderr; callers pass text cells, so no rich import spreads to commands."""
    from rich.table import Table

    rows = [list(row) for row in rows]
    table = Table(show_lines=False)
    for index, column in enumerate(columns):
        # Figures and codes stay on one line (a wrapped "971.1" misreads); only long text columns fold.
        longest = max((len(str(row[index])) for row in rows if index < len(row)), default=0)
        short = max(longest, *(len(word) for word in column.split())) <= 12
        table.add_column(column, no_wrap=short, overflow="fold", min_width=None if short else min(max(longest, 6), 10))
    for row in rows:
        table.add_row(*row)
    console = err if to_stderr else out
    if title:  # printed on its own line: a table title would wrap to the (often narrower) table width
        console.print(title, soft_wrap=True)
    console.print(table)


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


@contextmanager
def working(description: str) -> Iterator[Callable[[str], None]]:
    """A status line on stderr (spinner, what is being done, time elapsed) for one long step without a count;
    yields `phase(text)` to name the part under way (e.g. the sheet being written)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=False
    ) as progress:
        task = progress.add_task(description, total=None)
        yield lambda phase: progress.update(task, description=f"{description}: {phase}")
        progress.update(task, description=f"{description}: done")
