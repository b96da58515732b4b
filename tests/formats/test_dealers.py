"""Dealer master data: typed attributes, encodings Excel produces, and every problem by row and column."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from dealer_audit.errors import ValidationFailed
from dealer_audit.formats.dealers import check_dealers, dealer_attribute_names, parse_attribute, read_dealers

HEADER = "code,name_zh,name_en,region,province,city,group,brand,has_ev_service,tier,lounge_m2,note"
GOOD = [
    "SH001,上海浦东4S店,Shanghai Pudong,east,上海,上海,申华,Demo,yes,1,120.5,flagship",
    "BJ001,北京朝阳4S店,,north,北京,北京,,Demo,no,2,,",
]


def _csv(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "dealers.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_reads_csv_in_the_encodings_excel_writes(tmp_path: Path, encoding: str) -> None:
    dealers = read_dealers(_csv(tmp_path, [HEADER, *GOOD], encoding), regions={"east", "north"})
    assert [d.code for d in dealers] == ["SH001", "BJ001"]
    first = dealers[0]
    assert (first.name.zh, first.name.en, first.region, first.group, first.brand) == (
        "上海浦东4S店",
        "Shanghai Pudong",
        "east",
        "申华",
        "Demo",
    )
    assert first.attributes == {"has_ev_service": True, "tier": 1, "lounge_m2": 120.5, "note": "flagship"}
    assert dealers[1].attributes == {"has_ev_service": False, "tier": 2}  # empty cells mean unknown


@pytest.mark.parametrize(
    ("raw", "value"),
    [("yes", True), ("TRUE", True), ("是", True), ("No", False), ("否", False), ("3", 3), ("-2.5", -2.5),
     ("1e3", 1000.0), ("A+", "A+"), ("", None), (None, None), (4.0, 4), (True, True)],
)  # fmt: skip
def test_attribute_typing(raw: object, value: object) -> None:
    assert parse_attribute(raw) == value
    assert type(parse_attribute(raw)) is type(value)


def test_every_problem_by_line_and_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        [
            HEADER,
            *GOOD,
            "SH001,重复,,east,,,,,,,,",
            ",无编码,,east,,,,,,,,",
            "GZ001,,,south,,,,,,,,",
            "sh001,小写,,,,,,,,,,",
        ],
    )
    _, problems = check_dealers(path, regions={"east", "north"})
    assert [(str(p.location), p.message, p.hint) for p in problems] == [
        (f"{path}:4", "code: duplicate dealer code 'SH001' (first on line 2)", ""),
        (f"{path}:5", "code: a dealer code is required", ""),
        (f"{path}:6", "name_zh: dealer 'GZ001' needs a name (name_zh or name_en)", ""),
        (f"{path}:6", "region: unknown region 'south'", "did you mean 'north'?; known regions: east, north"),
        (f"{path}:7", "code: duplicate dealer code 'sh001' (first on line 2)", ""),
        (f"{path}:7", "region: dealer 'sh001' has no region", ""),
    ]
    with pytest.raises(ValidationFailed) as caught:
        read_dealers(path, regions={"east", "north"})
    assert caught.value.summary == f"{path}: 6 error(s); nothing imported"


def test_unknown_region_hint(tmp_path: Path) -> None:
    path = _csv(tmp_path, [HEADER, "SH001,浦东,,eats,,,,,,,,"])
    [problem] = check_dealers(path, regions={"east", "north"})[1]
    assert problem.hint == "did you mean 'east'?; known regions: east, north"


def test_regions_are_free_without_a_program(tmp_path: Path) -> None:
    assert [d.region for d in read_dealers(_csv(tmp_path, [HEADER, "X1,某店,,anywhere,,,,,,,,"]))] == ["anywhere"]


def test_header_problems(tmp_path: Path) -> None:
    path = _csv(tmp_path, ["Code,name,Region,has ev", "SH001,浦东,east,yes"])
    assert [(str(p.location), p.message) for p in check_dealers(path)[1]] == [
        (f"{path}:1", "attribute column 'has ev' cannot be used in conditions"),
        (f"{path}:1", "the header needs a name_zh or name_en column"),
    ]
    path = _csv(tmp_path, ["code,name_en,regoin", "SH001,Pudong,east"], name="b.csv")
    [problem] = check_dealers(path)[1]
    assert (problem.message, problem.hint) == ("the header has no 'region' column", "did you mean 'regoin'?")


def test_xlsx_problems_name_the_cell(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Dealers"
    sheet.append(["code", "name_zh", "name_en", "region", "has_ev_service"])
    sheet.append([1001, "一号店", None, "east", True])
    sheet.append([1001, "重复", None, "west", "no"])
    sheet.append(["SH002", None, None, "east", None])
    path = tmp_path / "dealers.xlsx"
    workbook.save(path)
    dealers, problems = check_dealers(path, regions={"east"})
    assert dealers[0].code == "1001" and dealers[0].attributes == {"has_ev_service": True}
    assert [(str(p.location), p.message) for p in problems] == [
        (f"{path}!Dealers!A3", "code: duplicate dealer code '1001' (first on row 2)"),
        (f"{path}!Dealers!D3", "region: unknown region 'west'"),
        (f"{path}!Dealers!B4", "name_zh: dealer 'SH002' needs a name (name_zh or name_en)"),
    ]


def test_attribute_names(tmp_path: Path) -> None:
    assert dealer_attribute_names(_csv(tmp_path, [HEADER])) == {"has_ev_service", "tier", "lounge_m2", "note"}


def test_an_empty_file_is_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "dealers.csv"
    path.write_bytes(b"")
    _, problems = check_dealers(path)
    assert [str(p) for p in problems] == [
        f"{path}:1: the file is empty; its first row names the columns "
        "(code, name_zh, name_en, region, province, city, group, brand)"
    ]


def test_an_unreadable_csv_record_names_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, [HEADER, GOOD[0], "BJ001," + "x" * 200_000])
    with pytest.raises(ValidationFailed) as failure:
        read_dealers(path)
    assert str(failure.value.problems[0].location) == f"{path}:3"


def test_a_text_file_named_xlsx_or_a_folder_is_a_message(tmp_path: Path) -> None:
    fake = tmp_path / "dealers.xlsx"
    fake.write_text(HEADER, encoding="utf-8")
    folder = tmp_path / "dealers"
    folder.mkdir()
    for path, words in ((fake, "not a zip archive"), (folder, "folder")):
        with pytest.raises(ValidationFailed, match=words):
            read_dealers(path)


def test_chinese_yes_no_attributes() -> None:
    assert (parse_attribute("是"), parse_attribute("否"), parse_attribute("Yes")) == (True, False, True)
