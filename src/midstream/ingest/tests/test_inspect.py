"""``midstream inspect``: parse only, summary and diagnostics on stderr, records on stdout.

The call_command tests carry no ``django_db`` mark: pytest-django refuses any database
access in them, which is the proof that the command never opens the database.
"""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

REPOSITORY = next(
    parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").exists()
)
SAMPLES = REPOSITORY.parent / "shared" / "samples"
MIDSTREAM = Path(sys.executable).with_name("midstream")

GERMAN_CSV = (
    "Rechnungsnummer;Datum;Kunde;PLZ;Artikelnummer;Menge;Preis;Bemerkung\r\n"
    "R-1;01.03.2024;Müller GmbH;10115;AB-100;5;12,50;=HYPERLINK(1)\r\n"
    "R-2;02.03.2024;Café Noël;75001;AB-200;-1;3,00;\r\n"
    "R-3;03.03.2024;Kurz\r\n"
)


def _inspect(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("inspect", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def german_csv(tmp_path) -> Path:
    path = tmp_path / "verkauf.csv"
    path.write_bytes(GERMAN_CSV.encode("cp1252"))
    return path


def test_a_cp1252_csv_summary_mapping_records_and_diagnostics(german_csv):
    out, err = _inspect(str(german_csv))
    assert err.splitlines() == [
        f"file: {german_csv} (201 bytes)",
        "format: csv",
        "encoding: windows-1252",
        "delimiter: semicolon (';')",
        "columns (8): Rechnungsnummer, Datum, Kunde, PLZ, Artikelnummer, Menge, Preis, Bemerkung",
        "documents: 1",
        "  1. csv: sell_through (guessed from the header; --kind to choose), at line 1, 2 records",
        "     suggested mapping (sell_through):",
        "       invoice_number       <- Rechnungsnummer",
        "       invoice_date         <- Datum",
        "       quantity             <- Menge",
        "       unit_price           <- Preis",
        "       sku                  <- Artikelnummer",
        "       reseller_name        <- Kunde",
        "       reseller_postal_code <- PLZ",
        "       not mapped: Bemerkung",
        "diagnostics: 1",
        f"{german_csv}:4: -: wrong_column_count: error: the line has 3 fields; the header has 8.",
    ]
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0] == {
        "document": 1,
        "location": 2,
        "kind": "sell_through",
        "fields": {
            "invoice_number": "R-1",
            "invoice_date": "01.03.2024",
            "quantity": "5",
            "unit_price": "12,50",
            "sku": "AB-100",
            "reseller_name": "Müller GmbH",
            "reseller_postal_code": "10115",
        },
        "identifiers": {},
        "parties": {},
    }
    assert [record["fields"]["reseller_name"] for record in records] == [
        "Müller GmbH",
        "Café Noël",
    ]


def test_csv_output_and_the_kind_option(german_csv):
    out, err = _inspect(str(german_csv), "--format", "csv", "--kind", "sell_through")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [
        [
            "document", "source_location", "kind", "invoice_number", "invoice_date", "quantity",
            "unit_price", "sku", "reseller_name", "reseller_postal_code",
        ],
        ["1", "2", "sell_through", "R-1", "01.03.2024", "5", "12,50", "AB-100", "Müller GmbH",
         "10115"],
        ["1", "3", "sell_through", "R-2", "02.03.2024", "-1", "3,00", "AB-200", "Café Noël",
         "75001"],
    ]  # fmt: skip
    assert "  1. csv: sell_through, at line 1, 2 records" in err.splitlines()


def test_formula_like_text_is_neutralised_in_csv_output(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Invoice,Qty,Description\n=1+1,-2,@SUM(A1)\n", encoding="utf-8")
    out, _err = _inspect(str(path), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1] == ["1", "2", "sell_through", "'=1+1", "-2", "'@SUM(A1)"]


def test_utf16_tsv_inventory(tmp_path):
    path = tmp_path / "stock.txt"
    text = "Artikel\tBezeichnung\tLagerbestand\tVerfügbar\tLager\r\nAB-1\tKabel\t12\t10\tHH\r\n"
    path.write_bytes(text.encode("utf-16"))
    out, err = _inspect(str(path))
    assert "encoding: utf-16-le" in err
    assert "delimiter: tab ('\\t')" in err
    assert (
        "  1. csv: inventory (guessed from the header; --kind to choose), at line 1, 1 record"
        in err
    )
    assert json.loads(out) == {
        "document": 1,
        "location": 2,
        "kind": "inventory",
        "fields": {
            "location": "HH",
            "on_hand": "12",
            "available": "10",
            "product_description": "Kabel",
            "sku": "AB-1",
        },
        "identifiers": {},
        "parties": {},
    }
    assert err.splitlines()[-1] == "diagnostics: 0"


def _xlsx(path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Info").write(0, 0, "Report for March")
    sheet = workbook.add_worksheet("Daten")
    sheet.write_row(0, 0, ["Invoice No", "Qty", "Unit price", "EAN"])
    sheet.write_row(1, 0, ["INV-9", 3, 19.99, "4006381333931"])
    workbook.close()


def test_xlsx_with_a_named_sheet(tmp_path):
    path = tmp_path / "sales.xlsx"
    _xlsx(path)
    out, err = _inspect(str(path), "--sheet", "Daten")
    assert "format: xlsx" in err
    assert "     header: sheet=Daten" in err
    assert json.loads(out)["fields"] == {
        "invoice_number": "INV-9",
        "quantity": "3",
        "unit_price": "19.99",
        "gtin": "4006381333931",
    }


def test_an_unknown_sheet_is_a_file_error_with_exit_status_1(tmp_path):
    path = tmp_path / "sales.xlsx"
    _xlsx(path)
    with pytest.raises(CommandError) as raised:
        _inspect(str(path), "--sheet", "Summary")
    assert raised.value.returncode == 1
    assert str(raised.value) == (
        f'{path}: unknown_sheet: the workbook has no sheet named "Summary"; its sheets are: '
        '"Info", "Daten".'
    )


def test_json_records(tmp_path):
    path = tmp_path / "post.json"
    path.write_text(
        json.dumps(
            {
                "kind": "sell_through",
                "period_start": "2024-03-01",
                "period_end": "2024-03-31",
                "records": [
                    {
                        "invoice_number": "I-1",
                        "quantity": 2,
                        "identifiers": {"VP": "AB-1"},
                        "parties": {"BY": {"name": "Shop", "references": {"VA": "DE1"}}},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    out, err = _inspect(str(path), "--format", "csv")
    assert "  1. json: sell_through, at record 1, 1 record" in err
    assert "     period 2024-03-01 to 2024-03-31" in err
    assert list(csv.reader(io.StringIO(out))) == [
        [
            "document", "source_location", "kind", "invoice_number", "quantity",
            "identifier.VP", "party.BY.name", "party.BY.reference.VA",
        ],
        ["1", "1", "sell_through", "I-1", "2", "AB-1", "Shop", "DE1"],
    ]  # fmt: skip


def test_a_file_that_cannot_be_opened_is_exit_status_2(tmp_path):
    with pytest.raises(CommandError) as raised:
        _inspect(str(tmp_path / "missing.csv"))
    assert raised.value.returncode == 2


def test_an_empty_file_is_exit_status_1(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as raised:
        _inspect(str(path))
    assert raised.value.returncode == 1
    assert str(raised.value) == f"{path}: empty_file: empty.csv: the file is empty."


# ─── the installed command, as a user runs it ────────────────────────────────────────────


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # A database URL that cannot be opened: the command must not try.
    database = tmp_path / "no-such-folder" / "midstream.sqlite3"
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "PYTHONIOENCODING": "utf-8"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(  # noqa: S603 - our own console script
        [str(MIDSTREAM), "inspect", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        timeout=120,
    )
    assert not database.parent.exists()
    return completed


def test_the_console_script_on_generated_files(tmp_path, german_csv):
    completed = _run(str(german_csv), "--format", "csv", tmp_path=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[1] == (
        '1,2,sell_through,R-1,01.03.2024,5,"12,50",AB-100,Müller GmbH,10115'
    )
    assert "encoding: windows-1252" in completed.stderr
    tsv = tmp_path / "stock.txt"
    tsv.write_bytes("SKU\tOn hand\r\nAB-1\t7\r\n".encode("utf-16"))
    completed = _run(str(tsv), tmp_path=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["fields"] == {"on_hand": "7", "sku": "AB-1"}
    assert "encoding: utf-16-le" in completed.stderr
    workbook = tmp_path / "sales.xlsx"
    _xlsx(workbook)
    completed = _run(str(workbook), "--sheet", "Daten", "--format", "csv", tmp_path=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [
        "document,source_location,kind,invoice_number,quantity,unit_price,gtin",
        "1,2,sell_through,INV-9,3,19.99,4006381333931",
    ]
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"  ")
    failed = _run(str(empty), tmp_path=tmp_path)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert "empty_file" in failed.stderr


@pytest.mark.parametrize(
    ("name", "format_line", "transactions"),
    [
        ("x12_867_Inteligenz_1.edi", "format: x12", ["867"]),
        ("x12_852_Inteligenz_2.edi", "format: x12", ["852"]),
        ("x12_846_Inteligenz_2.edi", "format: x12", ["846"]),
        ("edifact_slsrpt_bots-edi_1.edi", "format: edifact", ["SLSRPT", "SLSRPT"]),
    ],
)
def test_the_console_script_on_the_shared_samples(tmp_path, name, format_line, transactions):
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} is absent")
    completed = _run(str(SAMPLES / name), tmp_path=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert format_line in completed.stderr.splitlines()
    documents = [
        line.split(":")[0].split(". ")[1]
        for line in completed.stderr.splitlines()
        if line.startswith("  ") and ". " in line.split(":")[0]
    ]
    assert documents == transactions
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert records
    assert all(record["identifiers"] for record in records)


@pytest.mark.django_db
def test_distributor_option_types_records_with_its_current_profile(german_csv, users):
    """``--distributor`` applies that distributor's current profile (issue 3, mapping)."""
    from midstream.accounts.choices import Role
    from midstream.ingest.services import create_mapping_profile, suggest_mapping_profile_from_file

    suggested = suggest_mapping_profile_from_file(
        actor=None, content=german_csv.read_bytes(), file_name="x.csv", kind="sell_through"
    )
    spec = suggested.spec.to_dict() | {
        "date_format": "%d.%m.%Y",
        "decimal_separator": ",",
        "required_fields": ["invoice_number", "quantity"],
    }
    profile = create_mapping_profile(
        actor=users[Role.CHANNEL_MANAGER],
        distributor=users[Role.DISTRIBUTOR_USER].distributor,
        kind="sell_through",
        format_family="tabular",
        spec=spec,
        reason="German CSV",
    )
    out, err = _inspect(str(german_csv), "--distributor", "alpha")
    assert f"distributor: ALPHA, sell_through: profile v{profile.version}" in err.splitlines()
    first = json.loads(out.splitlines()[0])
    assert (first["invoice_date"], first["unit_price"], first["quantity"]) == (
        "2024-03-01",
        "12.50",
        "5",
    )
    assert first["product_candidates"] == ["sku:AB-100"]


def test_distributor_option_names_an_unknown_code(german_csv, db):
    with pytest.raises(CommandError) as caught:
        _inspect(str(german_csv), "--distributor", "NOPE")
    assert "no distributor with code 'NOPE'" in str(caught.value)
