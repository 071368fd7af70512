"""``midstream import-sellin``: output and exit codes.

The command runs through ``call_command`` (the console entry point closes the database
connection when a command ends, which would end the test's transaction on PostgreSQL); a
``CommandError``'s ``returncode`` is the process's exit status under ``midstream``.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from midstream.accounts.choices import Role
from midstream.cli import main
from midstream.sales.models import SellInImport, SellInLine
from midstream.sales.tests.factories import csv_bytes

pytestmark = pytest.mark.django_db

GOOD_FILE = csv_bytes(
    "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
    "INV-1,2,2026-03-01,BRAVO,NET-200,1,3,EUR,",
)


class Result:
    def __init__(self, code: int, out: str, err: str, message: str = ""):
        self.code, self.out, self.err, self.message = code, out, err, message


def run(*args) -> Result:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_sellin", *args, stdout=out, stderr=err)
    except CommandError as error:
        return Result(error.returncode, out.getvalue(), err.getvalue(), str(error))
    return Result(0, out.getvalue(), err.getvalue())


def test_import_prints_counts(tmp_path, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    result = run(str(path))

    assert (result.code, result.err) == (0, "")
    assert result.out == f"{path}: 2 lines read, 2 imported, 0 already present\n"
    sellin_import = SellInImport.objects.get()
    assert (sellin_import.source, sellin_import.actor, sellin_import.file_name) == (
        "cli",
        None,
        "march.csv",
    )
    assert SellInLine.objects.unscoped().count() == 2

    again = run(str(path))
    assert again.out == f"{path}: 2 lines read, 0 imported, 2 already present\n"


def test_dry_run_writes_nothing(tmp_path, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    result = run(str(path), "--dry-run")

    assert result.code == 0
    assert result.out == (
        f"{path}: 2 lines read, 2 would be imported, 0 already present (dry run: nothing written)\n"
    )
    assert SellInLine.objects.unscoped().count() == 0


def test_problems_are_printed_one_per_line_and_exit_1(tmp_path, dist_a, dist_b, products):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
            "INV-1,2,2026-13-01,ALPHA,NET-100,1E+30,3,USD,",
            "INV-1,1,2026-03-01,ALPHA,NET-100,5,12.50,USD,WH1",
        )
    )

    result = run(str(path))

    assert result.code == 1
    assert result.out == ""
    assert result.err.splitlines() == [
        f'{path}:3: invoice_date: invalid_date: "2026-13-01" is not a date written YYYY-MM-DD.',
        f'{path}:3: quantity: exponent: "1E+30" uses an exponent; write the number out in full.',
        f'{path}:4: line: duplicate_in_file: invoice "INV-1" line 1 of ALPHA is already on line 2.',
    ]
    assert result.message == "bad.csv: 3 problems found; nothing was imported."
    assert SellInLine.objects.unscoped().count() == 0


def test_file_level_problem_has_its_line(tmp_path, dist_a):
    path = tmp_path / "header.csv"
    path.write_bytes(b"invoice_number,line\nA,1\n")

    result = run(str(path))

    assert result.code == 1
    err = result.err.splitlines()
    assert err[0] == (
        f"{path}:1: invoice_date: missing_column: the header has no invoice_date column "
        "(accepted names: invoice_date, date)."
    )
    assert len(err) == 6  # six missing columns


def test_missing_file_exits_2(tmp_path, db):
    result = run(str(tmp_path / "nope.csv"))
    assert result.code == 2
    assert "cannot read" in result.message


def test_user_option_records_the_actor(tmp_path, users, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    assert run(str(path), "--user", "finance").code == 0

    assert SellInImport.objects.get().actor == users[Role.FINANCE]


def test_user_without_the_permission_exits_1(tmp_path, users, dist_a, dist_b, products):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)

    result = run(str(path), "--user", "analyst")

    assert result.code == 1
    assert "permission_denied" in result.message
    assert SellInLine.objects.unscoped().count() == 0


def test_unknown_user_exits_2(tmp_path, db):
    path = tmp_path / "march.csv"
    path.write_bytes(GOOD_FILE)
    assert run(str(path), "--user", "nobody").code == 2


def test_console_entry_point_exits_with_the_command_code(tmp_path, capsys):
    """Through ``midstream`` itself (no database needed: the file cannot be read)."""
    with pytest.raises(SystemExit) as exited:
        main(["midstream", "import-sellin", str(tmp_path / "nope.csv")])
    assert exited.value.code == 2
    assert "nope.csv: cannot read" in capsys.readouterr().err


def test_help_explains_columns_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["midstream", "import-sellin", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "invoice_number" in out
    assert "line_number, line_no, invoice_line" in out
    assert "FILE:LINE: field: code: message" in out
    assert "--dry-run" in out
