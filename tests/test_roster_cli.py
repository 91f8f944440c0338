"""`python -m bot import-roster` and `invites`, run as the admin would, against a real database."""

from __future__ import annotations

import asyncio
import csv
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from storage import open_store

HEADER = ["staff_code", "full_name", "unit_code", "unit_name", "roles", "phone"]
UNITS = [
    ("KHTC", "Phòng Kế hoạch - Tài chính"),
    ("TCCB", "Phòng Tổ chức cán bộ"),
    ("VP", "Văn phòng Sở"),
]


def fifty() -> list[list[str]]:
    rows = []
    for i in range(1, 51):
        code, name = UNITS[i % 3]
        roles = "staff;head" if i <= 3 else ("staff;office" if i == 4 else "")
        rows.append([f"CB{i:03d}", f"Cán Bộ Số {i}", code, name, roles, f"09{i:08d}"])
    return rows


def write_csv(path: Path, rows: list[list[str]], bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def people(db: Path) -> list[tuple[str, bool]]:
    async def read() -> list[tuple[str, bool]]:
        async with await open_store(db) as store:
            return [(p.staff_code, p.active) for p in await store.people.all_people()]

    return asyncio.run(read())


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "sokhoe.db"))
    return tmp_path / "db" / "sokhoe.db"


def test_good_file_then_again_then_changed(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path / "roster.csv", fifty())
    assert main(["import-roster", str(path)]) == 0
    assert "thêm 50, cập nhật 0, không đổi 0, ngừng hoạt động 0" in capsys.readouterr().out

    assert main(["import-roster", str(path)]) == 0
    assert "không có gì thay đổi: 50 người" in capsys.readouterr().out

    rows = fifty()
    rows[0][1] = "Cán Bộ Đổi Tên"
    del rows[-1]
    write_csv(path, rows)
    assert main(["import-roster", str(path)]) == 0
    assert "thêm 0, cập nhật 1, không đổi 48, ngừng hoạt động 1" in capsys.readouterr().out
    assert ("CB050", False) in people(db)  # deactivated, not deleted

    write_csv(path, fifty())
    assert main(["import-roster", str(path)]) == 0
    assert "cập nhật 2" in capsys.readouterr().out  # renamed back, and CB050 returns


def test_five_kinds_of_bad_rows_are_all_reported_and_nothing_is_written(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = fifty()[:10]
    rows[1][4] = "staff;boss"  # line 3: unknown role
    rows[3][0] = "CB001"  # line 5: duplicate staff code
    rows[5][1] = ""  # line 7: missing name
    rows[7][5] = "12345"  # line 9: not a Vietnamese phone
    rows[8][2] = ""  # line 10: missing unit
    path = write_csv(tmp_path / "bad.csv", rows, bom=False)

    assert main(["import-roster", str(path)]) == 1
    err = capsys.readouterr().err
    assert "dòng 3: vai trò không hợp lệ: boss" in err
    assert "dòng 5: mã cán bộ CB001 trùng với dòng 2" in err
    assert "dòng 7: thiếu họ và tên" in err
    assert "dòng 9: số điện thoại không phải số Việt Nam: '12345'" in err
    assert "dòng 10: thiếu mã hoặc tên đơn vị" in err
    assert "5 dòng lỗi" in err
    assert people(db) == []


def test_xlsx_with_phone_typed_as_a_number(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        ["CB001", "Nguyễn Văn An", "KHTC", "Phòng Kế hoạch - Tài chính", "head", 912345678]
    )
    book.save(tmp_path / "roster.xlsx")
    assert main(["import-roster", str(tmp_path / "roster.xlsx")]) == 0
    assert "thêm 1" in capsys.readouterr().out

    async def phone() -> str:
        async with await open_store(db) as store:
            return (await store.people.all_people())[0].phone

    assert asyncio.run(phone()) == "0912345678"


def test_not_utf8_and_missing_columns(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        ",".join(HEADER).encode()
        + unicodedata.normalize("NFD", "\nCB1,Phòng An,K,Phòng,,\n").encode("cp1258")
    )
    assert main(["import-roster", str(latin)]) == 1
    assert "CSV UTF-8" in capsys.readouterr().err

    short = tmp_path / "short.csv"
    short.write_text("staff_code,full_name\nCB1,An\n", encoding="utf-8")
    assert main(["import-roster", str(short)]) == 1
    assert "thiếu cột unit_code, unit_name" in capsys.readouterr().err


def test_semicolon_separated_csv_from_a_vietnamese_excel(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "semi.csv"
    path.write_text(
        ";".join(HEADER) + "\nCB001;Nguyễn Văn An;KHTC;Phòng KH-TC;staff;0912 345 678\n",
        encoding="utf-8-sig",
    )
    assert main(["import-roster", str(path)]) == 0
    assert "thêm 1" in capsys.readouterr().out


def test_invites_for_people_not_enrolled(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_USERNAME", "SoKhoeBot")
    main(["import-roster", str(write_csv(tmp_path / "roster.csv", fifty()))])
    capsys.readouterr()

    assert main(["invites", "--unit", "VP", "--out", str(tmp_path / "codes.csv")]) == 0
    assert "Đã tạo 17 mã mời" in capsys.readouterr().out
    with (tmp_path / "codes.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == 17 and {line["unit_code"] for line in lines} == {"VP"}
    first = lines[0]
    assert first["link"] == f"https://t.me/SoKhoeBot?start={first['code']}"

    assert main(["invites", "--unit", "NOPE"]) == 1
    assert "Không có đơn vị NOPE" in capsys.readouterr().err

    assert main(["invites", "--out", str(tmp_path / "codes.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "codes.xlsx").active
    assert [c.value for c in sheet[1]] == ["staff_code", "full_name", "unit_code", "code", "link"]
    assert sheet.max_row == 51
