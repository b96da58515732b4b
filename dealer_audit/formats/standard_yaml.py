"""Standards and programs as hand-authored YAML (the format of tests/fixtures/mini_standard.yaml).

The document is composed with PyYAML's node API so every value keeps its line: a side map from logical path
(``sections[0].items[3].weight``) to ``file:line`` lets the codec and the rules point at the exact line of each
problem. Duplicate keys, which PyYAML silently lets the last one win, are errors here.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from dealer_audit.core.lookup import join, locator
from dealer_audit.core.standard import Checklist, Program
from dealer_audit.core.standard_codec import (
    decode_program,
    decode_standard,
    program_to_dict,
    raise_if_errors,
    standard_to_dict,
)
from dealer_audit.errors import Location, NotFound, Problem, Severity

# libyaml when present (about ten times faster on a 100-item standard; same nodes, same marks).
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")


MAX_YAML_CHARS = 10 * 1024 * 1024  # the largest shipped standard is ~100 kB
MAX_YAML_DEPTH = 32  # a standard nests 6 levels (sections > items > options > label > zh)
MAX_YAML_VALUES = 200_000  # values after expanding aliases: a 1,000-item standard has ~20,000
MAX_INT_DIGITS = 18
_NON_FINITE = re.compile(r"^[-+]?\.(inf|nan)$", re.IGNORECASE)


def _graph_problems(root: yaml.Node, source: str) -> list[Problem]:
    """Depth, expanded size (aliases counted every time they are used), cycles and numbers of a composed YAML
    document, checked before anything is constructed, so an alias bomb ("billion laughs") or a self-referencing
    anchor is refused in linear time instead of hanging the tool. Iterative: no recursion on deep input."""
    problems: list[Problem] = []

    def at(node: yaml.Node) -> Location:
        return Location(source, line=node.start_mark.line + 1)

    def children(node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            return [child for pair in node.value for child in pair]
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return []

    size: dict[int, int] = {}  # id(node) -> values it expands to (itself included)
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if depth[key] > MAX_YAML_DEPTH:
                problems.append(
                    Problem(
                        at(node),
                        f"values nested more than {MAX_YAML_DEPTH} levels deep",
                        "too_deep",
                        zh=f"数据嵌套超过 {MAX_YAML_DEPTH} 层",
                    )
                )
                return problems
            if size[key] > MAX_YAML_VALUES:
                problems.append(
                    Problem(
                        at(node),
                        f"expands to more than {MAX_YAML_VALUES:,} values through aliases (*name); refused",
                        "alias_bomb",
                        hint="write the values out, or use fewer nested aliases",
                        zh=f"通过别名（*name）展开后超过 {MAX_YAML_VALUES:,} 个值，已拒绝",
                        hint_zh="请直接写出这些值，或减少嵌套的别名",
                    )
                )
                return problems
            continue
        if key in size:
            continue  # an alias of a node already measured: its size counts again, its walk does not
        if key in on_path:
            problems.append(
                Problem(
                    at(node),
                    "an alias refers to a value that contains itself",
                    "alias_cycle",
                    zh="别名引用了包含它自身的值",
                )
            )
            return problems
        if isinstance(node, yaml.ScalarNode):
            problems.extend(_scalar_problems(node, at(node)))
            size[key], depth[key] = 1, 1
            continue
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children(node) if id(child) not in size)
    return sorted(problems, key=lambda p: p.location.line or 0)


def _scalar_problems(node: yaml.ScalarNode, where: Location) -> list[Problem]:
    """Numbers that are not numbers a standard can use: infinite, not-a-number, or thousands of digits."""
    if node.style not in (None, ""):
        return []  # quoted: text
    text = node.value.replace("_", "")
    if node.tag == "tag:yaml.org,2002:int" and len(text.lstrip("+-")) > MAX_INT_DIGITS:
        return [
            Problem(
                where,
                f"{text[:12]}… is a number of {len(text):,} digits (at most {MAX_INT_DIGITS})",
                "number",
                zh=f"{text[:12]}… 是一个 {len(text):,} 位的数字（最多 {MAX_INT_DIGITS} 位）",
            )
        ]
    if node.tag == "tag:yaml.org,2002:float":
        if _NON_FINITE.match(text):
            return [Problem(where, f"{node.value} is not a finite number", "number", zh=f"{node.value} 不是有限数字")]
        try:
            value = float(text)
        except ValueError:
            return []  # sexagesimal and other YAML 1.1 forms: the constructor reads them
        if not math.isfinite(value):
            return [
                Problem(
                    where,
                    f"{node.value[:20]} is too large to be a finite number",
                    "number",
                    zh=f"{node.value[:20]} 太大，不是有限数字",
                )
            ]
    return []


class _Document:
    """A parsed YAML file: its data, the path -> Location side map and any problems found while reading."""

    def __init__(self, path: Path) -> None:
        self.source = str(path)
        self.data: Any = None
        self.locations: dict[str, Location] = {}
        self.problems: list[Problem] = []
        self.ok = False
        self._read(path)

    def _read(self, path: Path) -> None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise NotFound(f"{path}: no such file", zh=f"{path}：文件不存在") from None
        except UnicodeDecodeError as error:
            self.problems.append(
                Problem(
                    Location(self.source),
                    f"not UTF-8 text ({error.reason})",
                    "encoding",
                    zh=f"不是 UTF-8 编码的文本（{error.reason}）",
                )
            )
            return
        except OSError as error:  # a folder named *.yaml, no permission: a message, never a traceback
            self.problems.append(
                Problem(
                    Location(self.source),
                    f"cannot read: {error.strerror or error}",
                    "read",
                    zh=f"无法读取：{error.strerror or error}",
                )
            )
            return
        if len(text) > MAX_YAML_CHARS:
            self.problems.append(
                Problem(
                    Location(self.source),
                    f"{len(text):,} characters; at most {MAX_YAML_CHARS:,} are read",
                    "size",
                    zh=f"文件有 {len(text):,} 个字符，最多只能读取 {MAX_YAML_CHARS:,} 个",
                )
            )
            return
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                bounds = _graph_problems(node, self.source)
                if bounds:
                    self.problems.extend(bounds)
                    return
            self.data = loader.construct_document(node) if node is not None else None
        except RecursionError:
            self.problems.append(
                Problem(
                    Location(self.source),
                    f"values nested more than {MAX_YAML_DEPTH} levels deep",
                    "too_deep",
                    zh=f"数据嵌套超过 {MAX_YAML_DEPTH} 层",
                )
            )
            return
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark is not None else None
            message = error.problem or error.context or "invalid YAML"
            if error.context and error.problem:
                message = f"{error.context}: {error.problem}"
            self.problems.append(
                Problem(
                    Location(self.source, line=line),
                    f"YAML syntax error: {message}",
                    "yaml",
                    hint="check indentation and that ':' is followed by a space; quote texts containing ': ' or '#'",
                    zh=f"YAML 语法错误：{message}",
                    hint_zh="请检查缩进，以及“:”后面是否有空格；含有“: ”或“#”的文本请加引号",
                )
            )
            return
        except yaml.YAMLError as error:
            self.problems.append(
                Problem(Location(self.source), f"YAML error: {error}", "yaml", zh=f"YAML 错误：{error}")
            )
            return
        finally:
            loader.dispose()
        if node is not None:
            self._index(node, "")
        self.ok = True

    def _mark(self, node: yaml.Node) -> Location:
        return Location(self.source, line=node.start_mark.line + 1)

    def _index(self, node: yaml.Node, path: str) -> None:
        self.locations.setdefault(path, self._mark(node))
        self._check_scalar(node)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = join(path, key)
                if key in seen:
                    self.problems.append(
                        Problem(
                            self._mark(key_node),
                            f"duplicate key '{key}' (first at line {seen[key]}); only one is kept",
                            "duplicate-key",
                            zh=f"键“{key}”重复（首次出现在第 {seen[key]} 行），只保留其中一个",
                        )
                    )
                    continue
                seen[key] = key_node.start_mark.line + 1
                block = isinstance(value_node, yaml.CollectionNode) and not value_node.flow_style
                # A block collection starts on the next line: its key's line is where a reader looks.
                self.locations[child] = self._mark(key_node if block else value_node)
                self._index_children(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            self._index_children(node, path)

    def _check_scalar(self, node: yaml.Node) -> None:
        """YAML 1.1 reads 007 as 7, 010 as 8 and 1_000 as 1000: in ids and codes that silently changes the text."""
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == "tag:yaml.org,2002:int"
            and not node.style  # plain (None from the Python parser, "" from libyaml)
            and not _PLAIN_INT.match(node.value)
        ):
            self.problems.append(
                Problem(
                    self._mark(node),
                    f"{node.value} is read as the number {int(yaml.safe_load(node.value))}",
                    "number-text",
                    hint=f'put it in quotes to keep it as written: "{node.value}"',
                    zh=f"{node.value} 会被读成数字 {int(yaml.safe_load(node.value))}",
                    hint_zh=f'请加上引号以保留原样："{node.value}"',
                )
            )

    def _index_children(self, node: yaml.Node, path: str) -> None:
        self._check_scalar(node)
        if isinstance(node, yaml.MappingNode):
            self._index(node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, element in enumerate(node.value):
                child = join(path, index)
                self.locations[child] = self._mark(element)
                self._index_children(element, child)

    def locate(self) -> Any:
        return locator(self.source, self.locations)


def read_yaml_document(path: Path) -> tuple[Any, dict[str, Location], list[Problem]]:
    """The raw data of a YAML file, its path -> line map and reading problems (syntax, duplicate keys)."""
    document = _Document(Path(path))
    return (document.data if document.ok else None), document.locations, document.problems


def check_standard_yaml(path: Path, attributes: set[str] | None = None) -> tuple[Checklist | None, list[Problem]]:
    """Every problem of a standard file (errors and warnings) and the checklist when it could be decoded."""
    document = _Document(Path(path))
    if not document.ok:
        return None, document.problems
    checklist, problems = decode_standard(document.data, document.source, document.locate(), attributes)
    return checklist, sort_problems([*document.problems, *problems])


def load_standard(path: Path) -> Checklist:
    """A valid Checklist from a YAML file, or ValidationFailed listing every error with file:line."""
    checklist, problems = check_standard_yaml(Path(path))
    raise_if_errors(problems, str(path))
    assert checklist is not None
    return checklist


def check_program_yaml(path: Path) -> tuple[Program | None, list[Problem]]:
    document = _Document(Path(path))
    if not document.ok:
        return None, document.problems
    program, problems = decode_program(document.data, document.source, document.locate())
    return program, sort_problems([*document.problems, *problems])


def load_program(path: Path) -> Program:
    program, problems = check_program_yaml(Path(path))
    raise_if_errors(problems, str(path))
    assert program is not None
    return program


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """File order: users fix a file top to bottom."""
    return sorted(problems, key=lambda p: (p.location.line or 0, p.severity is Severity.WARNING))


class _Dumper(yaml.SafeDumper):
    """Block style for structure, flow style for small leaf mappings ({zh: …, en: …}) as in the hand-written files."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    leaf = all(not isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=leaf)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)


def dump_standard(checklist: Checklist) -> str:
    """The standard as YAML text that `load_standard` reads back to an equal checklist."""
    return _dump(standard_to_dict(checklist))


def dump_program(program: Program) -> str:
    return _dump(program_to_dict(program))
