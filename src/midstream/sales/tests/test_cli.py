"""``midstream import-sellin``: output and exit codes, through the real console entry point."""

import pytest

from midstream.accounts.choices import Role
from midstream.cli import main
from midstream.sales.models import SellInImport, SellInLine
from midstream.sales.tests.factories import csv_bytes

pytestmark = pytest.mark.django_db

GOOD_FILE = csv_bytes(
    "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
    "INV-1,2,2026-03-01,BRAVO,NET-200,1,3,EUR,",
)


def run(*args) -> int:
    with pytest.raises(SystemExit) as exited:
        main(["midstream", "import-sellin", *args])
    return exited.value.code


def run_ok(*args) -> None:
    main(["midstream", "import-sellin", *args])  # a successful command does not exit


def test_import_prints_counts(tmp_path, capsys, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    run_ok(str(path))

    assert capsys.readouterr().out == f"{path}: 2 lines read, 2 imported, 0 already present\n"
    sellin_import = SellInImport.objects.get()
    assert (sellin_import.source, sellin_import.actor, sellin_import.file_name) == (
        "cli",
        None,
        "march.csv",
    )
    assert SellInLine.objects.unscoped().count() == 2

    run_ok(str(path))
    assert capsys.readouterr().out == f"{path}: 2 lines read, 0 imported, 2 already present\n"


def test_dry_run_writes_nothing(tmp_path, capsys, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    run_ok(str(path), "--dry-run")

    assert capsys.readouterr().out == (
        f"{path}: 2 lines read, 2 would be imported, 0 already present (dry run: nothing written)\n"
    )
    assert SellInLine.objects.unscoped().count() == 0


def test_problems_are_printed_one_per_line_and_exit_1(tmp_path, capsys, dist_a, dist_b, products):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
            "INV-1,2,2026-13-01,ALPHA,NET-100,1E+30,3,USD,",
            "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
        )
    )

    assert run(str(path)) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f'{path}:3: invoice_date: invalid_date: "2026-13-01" is not a date written YYYY-MM-DD.',
        f'{path}:3: quantity: exponent: "1E+30" uses an exponent; write the number out in full.',
        f'{path}:4: line: duplicate_in_file: invoice "INV-1" line 1 of ALPHA is already on line 2.',
        "CommandError: bad.csv: 3 problems found; nothing was imported.",
    ]
    assert SellInLine.objects.unscoped().count() == 0


def test_file_level_problem_has_its_line(tmp_path, capsys, dist_a):
    path = tmp_path / "header.csv"
    path.write_bytes(b"invoice_number,line\nA,1\n")

    assert run(str(path)) == 1

    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"{path}:1: invoice_date: missing_column: the header has no invoice_date column "
        "(accepted names: invoice_date, date)."
    )
    assert len(err) == 7  # six missing columns and the summary


def test_missing_file_exits_2(tmp_path, capsys, db):
    assert run(str(tmp_path / "nope.csv")) == 2
    assert "cannot read" in capsys.readouterr().err


def test_user_option_records_the_actor(tmp_path, capsys, users, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    run_ok(str(path), "--user", "finance")

    assert SellInImport.objects.get().actor == users[Role.FINANCE]


def test_user_without_the_permission_exits_1(tmp_path, capsys, users, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    assert run(str(path), "--user", "analyst") == 1

    assert "permission_denied" in capsys.readouterr().err
    assert SellInLine.objects.unscoped().count() == 0


def test_unknown_user_exits_2(tmp_path, capsys, db):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)
    assert run(str(path), "--user", "nobody") == 2


def test_help_explains_columns_and_exit_codes(capsys):
    assert run("--help") == 0
    out = capsys.readouterr().out
    assert "invoice_number" in out
    assert "line_number, line_no, invoice_line" in out
    assert "FILE:LINE: field: code: message" in out
    assert "--dry-run" in out
