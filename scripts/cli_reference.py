"""Generate docs/cli.md, the CLI reference, from the typer app itself (so it cannot drift from the code).

    python scripts/cli_reference.py            # rewrite docs/cli.md
    python scripts/cli_reference.py --check    # exit 1 when docs/cli.md is stale (tests/cli/test_cli_reference.py)

One section per command (`## dealer-audit report all`): its help text, usage, and a table of its arguments and
options with their defaults and environment variables.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
sys.path.insert(0, str(ROOT))

HEADER = """# CLI reference

Generated from the commands themselves by `python scripts/cli_reference.py`; do not edit by hand
(`tests/cli/test_cli_reference.py` fails when this file is stale). Every command also answers `--help`.

Shared options are declared once (`dealer_audit/cli/common.py`): `--wave` is one word (letters, digits, `.-_`);
`--lang` is zh or en and defaults to the workspace's language (zh outside a workspace); `--region` is a region
code (repeatable where a command takes several); `--workspace`/`-w` and `--db` find the workspace as described in
[storage.md](storage.md).
"""


# typer ships its own copy of click (typer._click), so commands and parameters are read by duck typing.
Command = Any
Parameter = Any


def commands(group: Command, prefix: str) -> Iterator[tuple[str, Command]]:
    """Every leaf command under `group`, as (full name, command), in the order `--help` lists them."""
    context = group.context_class(group, info_name=prefix)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        full = f"{prefix} {name}"
        if hasattr(command, "list_commands"):
            yield from commands(command, full)
        else:
            yield full, command


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _param_row(param: Parameter) -> str:
    if param.param_type_name == "argument":
        label = (param.metavar or param.name or "").upper()
        name = f"`{label}`"
        help_text = getattr(param, "help", "") or ""
        default = ""
    else:
        names = [*param.opts, *param.secondary_opts]
        name = ", ".join(f"`{n}`" for n in names)
        help_text = param.help or ""
        default = ""
        if param.default not in (None, False, (), []) and not param.is_flag and param.show_default is not False:
            default = f"`{param.default}`"
        if param.envvar:
            help_text += f" (env `{param.envvar}`)"
    required = "yes" if param.required else ""
    return f"| {name} | {required} | {default} | {_cell(help_text)} |"


def section(name: str, command: Command) -> str:
    lines = [f"## `{name}`", ""]
    lines += [(command.help or "").strip(), ""]
    context = command.context_class(command, info_name=name)
    usage = " ".join(command.collect_usage_pieces(context))
    lines += ["```", f"{name} {usage}".rstrip(), "```", ""]
    params = [p for p in command.params if p.name != "help"]
    if params:
        lines += ["| argument / option | required | default | meaning |", "|---|---|---|---|"]
        lines += [_param_row(p) for p in params]
        lines.append("")
    return "\n".join(lines)


def render() -> str:
    from dealer_audit.cli.app import app

    root = typer.main.get_command(app)
    found = list(commands(root, "dealer-audit"))
    index = ["## Commands", ""] + [f"- [`{n}`](#{n.replace(' ', '-')})" for n, _ in found] + [""]
    return "\n".join([HEADER, *index, *(section(n, c) for n, c in found)]).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/cli.md is not what would be written")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
