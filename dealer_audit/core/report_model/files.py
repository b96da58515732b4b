"""Report file names: safe stems for dealer and region files, never colliding."""

from __future__ import annotations


def safe_file_stem(text: str, fallback: str = "report") -> str:
    """A file name part that is safe on Windows and Linux: no separators, reserved characters or spaces.

    Not injective (``A/B`` and ``A_B`` give one stem): codes are kept to a safe alphabet on import
    (core/dealers.code_problem) and a run refuses two reports that would share a file (services/reporting).
    `fallback` names the file when nothing is left (a text of dots and separators)."""
    bad = '<>:"/\\|?* \t\n\r'
    cleaned = "".join("_" if ch in bad or ord(ch) < 32 else ch for ch in text).strip("._")
    return cleaned or fallback


def dealer_file_stem(code: str, wave: str, lang: str) -> str:
    """The file name (without suffix) of a dealer's report; known before the report is built."""
    return safe_file_stem(f"{code}_{wave}_{lang}")


def region_file_stem(code: str, wave: str, lang: str) -> str:
    """The file name (without suffix) of a region's report."""
    return safe_file_stem(f"region_{code}_{wave}_{lang}")
