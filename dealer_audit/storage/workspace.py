"""The workspace: a folder holding the settings file, the SQLite database and the evidence store.

An auditor's laptop holds one workspace (``dealer-audit init``); commands find it like git finds a repository
(``--workspace/-w``, else ``DEALER_AUDIT_WORKSPACE``, else the nearest ``dealer-audit.toml`` from the current
folder upwards). HQ points the same workspace at PostgreSQL with ``--db URL`` / ``DEALER_AUDIT_DB`` or the
``[database] url`` setting; the evidence store stays a folder.

HQ may also run on the database alone, with no workspace folder: when no workspace is found but a database is
given (``--db`` / ``DEALER_AUDIT_DB``), the settings come from the environment instead of a file — the evidence
store from ``--evidence-dir`` / ``DEALER_AUDIT_EVIDENCE`` (required only by commands that read or write
evidence), the language from ``DEALER_AUDIT_LANG``. The same variables override a workspace's settings.

Layout::

    dealer-audit.toml     settings: [database] url, [evidence] dir, [ui] language
    audit.db              SQLite database (WAL; -wal/-shm files next to it while open)
    evidence/             photos and files, stored once under their sha256 (content-addressed)
    form.key              the workspace's secret that seals fill-in workbooks (HMAC-SHA256; mode 0600)

The form key comes from where the evidence store's location comes from: the workspace folder, or for HQ on a
database alone the environment (``DEALER_AUDIT_FORM_KEY``, a file path, which also overrides a workspace's).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from dealer_audit.core.answers import EvidenceRef
from dealer_audit.errors import ConfigurationError, Conflict, Message, NotFound
from dealer_audit.storage.db import normalise_url, redact_url, sqlite_write_problem
from dealer_audit.storage.media import HEAD_BYTES, detect_media_type, media_type_of, stored_suffix
from dealer_audit.storage.repository import Repository

SETTINGS_FILE = "dealer-audit.toml"
DEFAULT_DB_FILE = "audit.db"
EVIDENCE_DIR = "evidence"
FORM_KEY_FILE = "form.key"
FORM_KEY_BYTES = 32
ENV_WORKSPACE = "DEALER_AUDIT_WORKSPACE"
ENV_DB = "DEALER_AUDIT_DB"
ENV_EVIDENCE = "DEALER_AUDIT_EVIDENCE"
ENV_FORM_KEY = "DEALER_AUDIT_FORM_KEY"
ENV_LANG = "DEALER_AUDIT_LANG"
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Settings:
    """What dealer-audit.toml says. `db_url` and `evidence_dir` may be relative (to the workspace folder)."""

    db_url: str = f"sqlite:///{DEFAULT_DB_FILE}"
    language: str = "zh"
    evidence_dir: str = EVIDENCE_DIR

    def to_toml(self) -> str:
        return (
            "# dealer-audit workspace settings\n"
            "[database]\n"
            "# SQLite file relative to this folder, or a postgresql://user@host/db URL for HQ\n"
            "# (prefer the DEALER_AUDIT_DB environment variable for URLs with a password).\n"
            f"url = {_toml_string(self.db_url)}\n"
            "\n"
            "[evidence]\n"
            "# folder of the evidence store (photos and files), relative to this folder or absolute\n"
            f"dir = {_toml_string(self.evidence_dir)}\n"
            "\n"
            "[ui]\n"
            '# "zh" (简体中文) or "en"\n'
            f"language = {_toml_string(self.language)}\n"
        )

    @classmethod
    def read(cls, path: Path) -> Settings:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                f"{path}: cannot read the workspace settings: {error}", zh=f"{path}：无法读取工作区设置：{error}"
            ) from None
        database = data.get("database", {})
        ui = data.get("ui", {})
        evidence = data.get("evidence", {})
        url = database.get("url", cls.db_url) if isinstance(database, dict) else cls.db_url
        language = ui.get("language", cls.language) if isinstance(ui, dict) else cls.language
        evidence_dir = evidence.get("dir", cls.evidence_dir) if isinstance(evidence, dict) else cls.evidence_dir
        if not isinstance(url, str) or not url:
            raise ConfigurationError(f"{path}: [database] url must be text", zh=f"{path}：[database] url 必须是文本")
        if not isinstance(evidence_dir, str) or not evidence_dir:
            raise ConfigurationError(
                f"{path}: [evidence] dir must be a folder name or path",
                zh=f"{path}：[evidence] dir 必须是文件夹名称或路径",
            )
        check_language(language, Message(f"{path}: [ui] language", f"{path}：[ui] language"))
        return cls(db_url=url, language=language, evidence_dir=evidence_dir)


def check_language(language: object, where: Message) -> str:
    """`language` if it is one this tool speaks; else a ConfigurationError naming `where` it was set."""
    if language not in LANGUAGES:
        choices = ", ".join(LANGUAGES)
        raise ConfigurationError(
            f"{where.en} must be one of {choices}, not {language!r}",
            zh=f"{where.text('zh')} 必须是 {choices} 之一，而不是 {language!r}",
        )
    return str(language)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_or_create_form_key(path: Path) -> bytes:
    """Read the workspace's form key, creating it (random, owner-only) when the file does not exist yet.

    Created with O_EXCL, so two processes racing on an old workspace end with one key (the loser reads the
    winner's). A key file that is empty or not hex is a configuration error naming the file, never a new key:
    replacing it silently would make every form already handed out unreadable.
    """
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_bytes(FORM_KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_form_key(path)
        except OSError as error:
            raise ConfigurationError(
                f"{path}: cannot create the workspace's form key ({error.strerror or error}); "
                "fill-in workbooks cannot be sealed or checked without it",
                zh=f"{path}：无法创建工作区的表单密钥（{error.strerror or error}）；没有它就无法为填报工作簿加封或校验",
            ) from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ConfigurationError(
            f"{path}: cannot read the workspace's form key ({reason})",
            zh=f"{path}：无法读取工作区的表单密钥（{reason}）",
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise ConfigurationError(
            f"{path}: the workspace's form key is damaged (expected {FORM_KEY_BYTES * 2} hex digits); restore it "
            "from a backup, or delete it to make a new one (forms made with the old key are then refused)",
            zh=f"{path}：工作区的表单密钥已损坏（应为 {FORM_KEY_BYTES * 2} 位十六进制数字）；请从备份恢复，"
            "或删除该文件以生成新密钥（此后用旧密钥生成的表单将被拒绝）",
        )
    return key


class EvidenceStore:
    """Evidence files named by their sha256 (plus the original suffix): a file stored twice takes space once,
    and a name can never be overwritten by other bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path | None:
        """Where the file with this hash is stored, or None."""
        if not sha256 or not all(c in "0123456789abcdef" for c in sha256):
            return None
        for candidate in sorted(self.root.glob(f"{sha256}*")):
            if candidate.is_file() and (candidate.name == sha256 or candidate.name.startswith(f"{sha256}.")):
                return candidate
        return None

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256) is not None

    def add_file(self, source: Path, file_name: str | None = None, expected_sha256: str | None = None) -> EvidenceRef:
        """Copy a file into the store and return the reference to put on an answer. Streams: hashed and copied in
        blocks, never read whole into memory (a video clip can be tens of MB); the media type comes from content.
        With `expected_sha256`, refuse a file whose bytes do not match it."""
        if not source.is_file():
            raise NotFound(f"evidence file {source} does not exist", zh=f"证据文件 {source} 不存在")
        name = file_name or source.name
        size = source.stat().st_size
        sha256 = file_sha256(source)
        if expected_sha256 and expected_sha256 != sha256:
            raise Conflict(
                f"evidence {name}: sha256 is {sha256}, expected {expected_sha256}",
                zh=f"证据 {name}：sha256 为 {sha256}，应为 {expected_sha256}",
            )
        media_type = detect_media_type(source)
        if not self.has(sha256):
            with source.open("rb") as data:
                self._write(sha256, name, lambda handle: shutil.copyfileobj(data, handle, 1 << 20))
        return EvidenceRef(file_name=name, sha256=sha256, size=size, media_type=media_type)

    def add_bytes(self, data: bytes, file_name: str, expected_sha256: str | None = None) -> EvidenceRef:
        """Store bytes under their hash; with `expected_sha256`, refuse bytes that do not match it."""
        sha256 = hashlib.sha256(data).hexdigest()
        if expected_sha256 and expected_sha256 != sha256:
            raise Conflict(
                f"evidence {file_name}: sha256 is {sha256}, expected {expected_sha256}",
                zh=f"证据 {file_name}：sha256 为 {sha256}，应为 {expected_sha256}",
            )
        if not self.has(sha256):
            self._write(sha256, file_name, lambda handle: handle.write(data))
        media_type = media_type_of(data[:HEAD_BYTES], file_name)
        return EvidenceRef(file_name=file_name, sha256=sha256, size=len(data), media_type=media_type)

    def _write(self, sha256: str, file_name: str, write: Callable[[BinaryIO], object]) -> None:
        """Write the bytes under a temporary name and rename them into place: a crash never leaves a half-written
        file carrying a hash name. A store that cannot be written (read-only, full) is named as the culprit."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        except OSError as error:
            raise ConfigurationError(
                f"cannot store evidence in the evidence folder {self.root}: {error.strerror or error}",
                zh=f"无法在证据文件夹 {self.root} 中保存证据：{error.strerror or error}",
            ) from None
        target = self.root / f"{sha256}{stored_suffix(file_name)}"
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temp_name).replace(target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def remove(self, sha256: str) -> None:
        path = self.path_for(sha256)
        if path is not None:
            path.unlink(missing_ok=True)


class Workspace:
    """An opened workspace: `.root` (None for HQ on a database alone), `.settings`, `.repo` (opened on first use),
    `.evidence_dir` and `.evidence` (ConfigurationError when no evidence store is configured)."""

    def __init__(
        self,
        root: Path | None,
        settings: Settings,
        db_url: str | None = None,
        evidence_dir: Path | None = None,
        language: str | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self._db_url_override = db_url
        self._evidence_override = evidence_dir
        self._language_override = language
        self.base_dir = root or Path.cwd().resolve()  # relative SQLite paths resolve against it

    @property
    def settings_path(self) -> Path | None:
        return self.root / SETTINGS_FILE if self.root else None

    @property
    def evidence_dir(self) -> Path:
        """The evidence store's folder: --evidence-dir / DEALER_AUDIT_EVIDENCE, else the workspace's [evidence] dir.

        Raises ConfigurationError when there is none (HQ on --db alone without one) or the given folder does not
        exist: evidence written into a mistyped new folder, or reports missing every photo, would go unnoticed.
        """
        if self._evidence_override is not None:
            folder = self._evidence_override
            if not folder.is_dir():
                raise ConfigurationError(
                    f"the evidence folder {folder} (--evidence-dir / {ENV_EVIDENCE}) does not exist: create it or "
                    "correct the path",
                    zh=f"证据文件夹 {folder}（--evidence-dir / {ENV_EVIDENCE}）不存在：请先创建该文件夹或更正路径",
                )
            return folder
        if self.root is None:
            raise ConfigurationError(
                "this command needs the evidence store (photos and files) and there is no workspace folder: pass "
                f"--evidence-dir DIR or set {ENV_EVIDENCE}",
                zh="此命令需要证据库（照片和文件），但当前没有工作区文件夹：请用 --evidence-dir DIR 指定，"
                f"或设置环境变量 {ENV_EVIDENCE}",
            )
        return (self.root / self.settings.evidence_dir).resolve()

    @cached_property
    def evidence(self) -> EvidenceStore:
        return EvidenceStore(self.evidence_dir)

    @property
    def form_key_path(self) -> Path:
        """Where the form key lives: $DEALER_AUDIT_FORM_KEY (a file path), else ``form.key`` in the workspace folder.

        Like the evidence store, HQ on a database alone (no workspace folder) gets it from the environment, and
        commands that do not seal or check workbooks never ask for it."""
        configured = os.environ.get(ENV_FORM_KEY, "").strip()
        if configured:
            path = Path(configured).expanduser().resolve()
            if not path.parent.is_dir():
                raise ConfigurationError(
                    f"the folder of the form key {path} ({ENV_FORM_KEY}) does not exist: create it or correct the path",
                    zh=f"表单密钥 {path}（{ENV_FORM_KEY}）所在的文件夹不存在：请先创建该文件夹或更正路径",
                )
            return path
        if self.root is None:
            raise ConfigurationError(
                "this command seals or checks fill-in workbooks and there is no workspace folder for the form key: "
                f"set {ENV_FORM_KEY} to the key file (made on first use; share it between HQ machines that read "
                f"each other's forms)",
                zh="此命令需要为填报工作簿加封或校验，但当前没有存放表单密钥的工作区文件夹：请将 "
                f"{ENV_FORM_KEY} 设为密钥文件路径（首次使用时自动生成；互相读取表单的总部各台电脑应共用同一密钥）",
            )
        return self.root / FORM_KEY_FILE

    @cached_property
    def form_key(self) -> bytes:
        """The secret that keys the fill-in workbook's tamper seal (see formats/form_xlsx.py, docs/security.md).

        Generated at `init`; a workspace made before the seal existed gets one on first use. Readable by the
        owner only (0600), because whoever holds it can seal a forged workbook.
        """
        return load_or_create_form_key(self.form_key_path)

    @property
    def db_url(self) -> str:
        """The effective database URL (override, else settings). May hold a password: show `display_db_url`."""
        return self._db_url_override or self.settings.db_url

    @property
    def display_db_url(self) -> str:
        return redact_url(normalise_url(self.db_url, self.base_dir))

    @property
    def language(self) -> str:
        return self._language_override or self.settings.language

    @cached_property
    def repo(self) -> Repository:
        url = normalise_url(self.db_url, self.base_dir)
        if url.get_backend_name() == "sqlite" and self.root is not None:
            problem = sqlite_write_problem(url.database or "")
            if problem and Path(url.database or "").parent.is_dir():
                raise self._read_only(problem)
        return Repository.open(url)

    def check_evidence_writable(self) -> None:
        """Before a command stores evidence: refuse a read-only evidence folder up front, naming the workspace
        and why, instead of refusing each input file as if it could not be read."""
        folder = self.evidence_dir
        target = folder if folder.exists() else folder.parent
        if not os.access(target, os.W_OK | os.X_OK):
            raise self._read_only(
                Message(f"its evidence folder {folder} is not writable", f"证据文件夹 {folder} 不可写")
            )

    def _read_only(self, why: Message) -> ConfigurationError:
        if self.root is None:
            return ConfigurationError(
                f"{why.en}; nothing was changed: make it writable", zh=f"{why.text('zh')}，未做任何修改：请设为可写"
            )
        return ConfigurationError(
            f"the workspace {self.root} is read-only: {why.en}; nothing was changed. Make it writable "
            f"(e.g. chmod -R u+w {self.root}) or work on a copy",
            zh=f"工作区 {self.root} 为只读：{why.text('zh')}，未做任何修改。请将其设为可写"
            f"（如 chmod -R u+w {self.root}）或在副本上操作",
        )

    def close(self) -> None:
        if "repo" in self.__dict__:
            self.repo.close()
            del self.__dict__["repo"]

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({self.root or 'database only'}, db={self.display_db_url})"

    @classmethod
    def init(cls, directory: Path | str = ".", db_url: str | None = None, language: str = "zh") -> Workspace:
        """Create a workspace: settings file, database (tables created) and evidence folder.

        Refuses (Conflict) a folder that already is a workspace, so a second `init` never resets settings.
        `db_url` is written into the settings; prefer DEALER_AUDIT_DB for URLs with passwords.
        """
        root = Path(directory).expanduser().resolve()
        if language not in LANGUAGES:
            check_language(language, Message("language", "语言"))
        settings_path = root / SETTINGS_FILE
        if settings_path.exists():
            raise Conflict(
                f"{root} is already a dealer-audit workspace ({SETTINGS_FILE} exists)",
                zh=f"{root} 已经是 dealer-audit 工作区（{SETTINGS_FILE} 已存在）",
            )
        if root.exists() and not root.is_dir():
            raise ConfigurationError(f"{root} is not a folder", zh=f"{root} 不是文件夹")
        root.mkdir(parents=True, exist_ok=True)
        settings = Settings(db_url=db_url or Settings.db_url, language=language)
        (root / EVIDENCE_DIR).mkdir(exist_ok=True)
        workspace = cls(root, settings)
        workspace.form_key  # noqa: B018 — the secret that seals fill-in workbooks, made once here
        workspace.repo  # noqa: B018 — creates the database and its tables now, so errors show at init
        settings_path.write_text(settings.to_toml(), encoding="utf-8")
        return workspace

    @classmethod
    def find_root(cls, start: Path | None = None) -> Path | None:
        """The nearest folder from `start` (default: cwd) upwards that holds dealer-audit.toml."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return folder
        return None

    @classmethod
    def open(
        cls, directory: Path | str | None = None, db_url: str | None = None, evidence_dir: Path | str | None = None
    ) -> Workspace:
        """Open a workspace: `directory`, else $DEALER_AUDIT_WORKSPACE, else the nearest one from cwd upwards.

        `db_url`, else $DEALER_AUDIT_DB, overrides the settings' database (HQ's PostgreSQL); `evidence_dir`, else
        $DEALER_AUDIT_EVIDENCE, the evidence folder; $DEALER_AUDIT_LANG the language. With no workspace to find
        but a database given, the workspace is that database alone (HQ, no folder). The database is opened
        lazily on first use of `.repo`.
        """
        override = db_url or os.environ.get(ENV_DB) or None
        evidence = evidence_dir or os.environ.get(ENV_EVIDENCE) or None
        evidence_path = Path(evidence).expanduser().resolve() if evidence else None
        language = os.environ.get(ENV_LANG) or None
        if language is not None:
            check_language(language, Message(ENV_LANG, f"环境变量 {ENV_LANG}"))
        chosen = directory if directory not in (None, "") else os.environ.get(ENV_WORKSPACE) or None
        if chosen is not None:
            root = Path(chosen).expanduser().resolve()
            if not (root / SETTINGS_FILE).is_file():
                raise ConfigurationError(
                    f"{root} is not a dealer-audit workspace (no {SETTINGS_FILE}): "
                    f"run `dealer-audit init {chosen}` to create one",
                    zh=f"{root} 不是 dealer-audit 工作区（缺少 {SETTINGS_FILE}）："
                    f"请运行 `dealer-audit init {chosen}` 创建",
                )
        else:
            found = cls.find_root()
            if found is None:
                if override is not None:  # HQ: the database alone, settings from the environment
                    return cls(None, Settings(db_url=override), override, evidence_path, language)
                raise ConfigurationError(
                    f"no dealer-audit workspace here: no {SETTINGS_FILE} in {Path.cwd()} or its parents. "
                    "Run `dealer-audit init` to create one, or pass --workspace DIR (or set DEALER_AUDIT_WORKSPACE); "
                    f"HQ can pass --db URL (or set {ENV_DB}) alone",
                    zh=f"这里没有 dealer-audit 工作区：{Path.cwd()} 及其上级文件夹中都没有 {SETTINGS_FILE}。"
                    "请运行 `dealer-audit init` 创建，或用 --workspace DIR 指定（也可设置 DEALER_AUDIT_WORKSPACE）；"
                    f"总部也可只用 --db URL（或设置 {ENV_DB}）连接数据库",
                )
            root = found
        settings = Settings.read(root / SETTINGS_FILE)
        return cls(root, settings, override, evidence_path, language)
