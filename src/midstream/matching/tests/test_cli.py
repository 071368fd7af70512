"""``midstream match-resellers``: both master sources, the result file, the error messages."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from midstream.accounts.choices import Role
from midstream.matching import services
from midstream.network.tests.factories import make_alias, make_reseller, make_supply

MASTER_CSV = (
    "id,name,country,postal code,city,address,tax_id,aliases\n"
    "K-1,ABC Computers Inc,US,75201,Dallas,100 Main St,12-3456789,ABC Dallas|A.B.C. Shop\n"
    "K-2,Harbor Technology Group Inc,US,75204,Dallas,44 Commerce Dr,,\n"
    "K-3,Harbor Technology Group Inc,US,32201,Jacksonville,52 Pine St,,\n"
    "K-4,Schmidt Datentechnik GmbH,DE,80331,München,Hauptstraße 5,,\n"
)
MENTIONS_CSV = (
    "Name;Country;Postcode;City;VAT\n"
    "ABC COMP.;us;75201-1234;Dallas;\n"
    "Harbor Technology Group;US;;;\n"
    "Someone Else Entirely;US;75201;Dallas;\n"
    "Anything;US;;;12-3456789\n"
    "Schmidt Datentechnik;DE;D-80331;Munich;\n"
    "ABC COMP.;us;75201-1234;Dallas;\n"
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("match_resellers", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_csv_master_without_any_database_rows(tmp_path):
    mentions = write(tmp_path, "mentions.csv", MENTIONS_CSV)
    master = write(tmp_path, "master.csv", MASTER_CSV)
    result = tmp_path / "result.csv"
    _out, err = run(mentions, "--master", master, "--out", result)
    found = rows(result)
    assert [(row["Name"], row["decision"], row["master_id"], row["method"]) for row in found] == [
        ("ABC COMP.", "auto-accepted", "K-1", "fuzzy"),
        ("Harbor Technology Group", "review", found[1]["master_id"], "fuzzy"),
        ("Someone Else Entirely", "new", "", "fuzzy"),
        ("Anything", "auto-accepted", "K-1", "tax_id"),
        ("Schmidt Datentechnik", "auto-accepted", "K-4", "fuzzy"),
        ("ABC COMP.", "auto-accepted", "K-1", "fuzzy"),
    ]
    # the input columns come back as written, then the decision columns
    assert list(found[0]) == [
        *("Name", "Country", "Postcode", "City", "VAT", "decision", "master_id"),
        *("master_name", "score", "method", "runner_up_id", "runner_up_score", "reason"),
    ]
    assert found[0]["master_name"] == "ABC Computers Inc"
    assert found[0]["score"] == "100.0"
    assert {found[1]["master_id"], found[1]["runner_up_id"]} == {"K-2", "K-3"}
    assert found[1]["score"] == found[1]["runner_up_score"]
    assert found[2]["runner_up_id"] != ""  # for a new one: the closest master reseller
    assert "6 lines, 5 distinct mentions: 4 auto, 1 review, 1 new" in err


@pytest.mark.django_db
def test_aliases_of_a_csv_master_resolve_exactly(tmp_path):
    mentions = write(tmp_path, "m.csv", "name,country,postal_code,city\nA B C shop,US,,\n")
    master = write(tmp_path, "master.csv", MASTER_CSV)
    out, _err = run(mentions, "--master", master)
    found = list(csv.DictReader(io.StringIO(out)))
    assert (found[0]["decision"], found[0]["master_id"], found[0]["method"]) == (
        "auto-accepted",
        "K-1",
        "alias",
    )


@pytest.mark.django_db
def test_database_master_and_its_settings(tmp_path, users, dist_a):
    make_reseller(
        partner_id="R0000001",
        name="ABC Computers Inc",
        country="US",
        postal_code="75201",
        city="Dallas",
        address_line="100 Main St",
    )
    other = make_reseller(
        partner_id="R0000002", name="Kestrel Systemhaus AG", country="DE", city="Berlin"
    )
    make_alias(other, "Kestrel Berlin Mitte")  # vendor-wide
    make_alias(other, "KSH Alpha Spelling", distributor=dist_a)  # ALPHA's own
    make_supply(other, dist_a, account_number="ALPHA-0042")
    services.update_matching_settings(
        actor=users[Role.VENDOR_ADMIN],
        upper=Decimal("99.5"),
        lower=Decimal(50),
        margin=Decimal(4),
    )
    mentions = write(
        tmp_path,
        "mentions.csv",
        "name,country,postal_code,city,account_number\n"
        "ABC Computers,US,75201,Dallas,\n"
        "Kestrel Berlin Mitte,DE,,,\n"
        "KSH Alpha Spelling,DE,,,\n"
        "Nobody,DE,,,ALPHA-0042\n",
    )
    out, err = run(mentions)
    found = list(csv.DictReader(io.StringIO(out)))
    assert [(row["decision"], row["master_id"], row["method"]) for row in found] == [
        ("auto-accepted", "R0000001", "fuzzy"),
        ("auto-accepted", "R0000002", "alias"),
        # another distributor's alias and account number are not used vendor-wide
        ("new", "", "fuzzy"),
        ("new", "", "fuzzy"),
    ]
    assert "review from 50.0, automatic from 99.5" in err
    out, _err = run(mentions, "--distributor", "ALPHA", "--upper", "90")
    found = list(csv.DictReader(io.StringIO(out)))
    assert [(row["master_id"], row["method"]) for row in found[2:]] == [
        ("R0000002", "alias"),
        ("R0000002", "account_number"),
    ]


@pytest.mark.django_db
def test_unknown_distributor_is_refused(tmp_path):
    mentions = write(tmp_path, "m.csv", "name,country,postal_code,city\nX,US,,\n")
    with pytest.raises(CommandError, match="no distributor with code 'NOPE'"):
        run(mentions, "--distributor", "NOPE")


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (
            "name,country,city\nX,US,Dallas\n",
            "utf-8",
            ["m.csv:1: postal_code: missing_column: the header has no postal_code column"],
        ),
        (
            "name,country,postal code,city\nX,US,1,Dallas\nMüller,Germany,80331,München\n",
            "latin-1",
            ["m.csv:3: column 2: not_utf8: byte 0xfc at column 2 is not utf-8"],
        ),
        (
            "name,country,postal code,city\nX,Germany,1,Berlin\n,US,2,Dallas\n",
            "utf-8",
            [
                "m.csv:2: country: invalid_country: 'Germany' is not a two-letter ISO",
                "m.csv:3: name: required: empty, and the line has no partner id",
            ],
        ),
        (
            "name,country,postal code,city\nX,US,1,Dallas,extra\n",
            "utf-8",
            ["m.csv:2: -: too_many_fields: 5 fields where the header has 4."],
        ),
        (
            "name,name,country,postal code,city\nX,Y,US,1,Dallas\n",
            "utf-8",
            ['m.csv:1: name: duplicate_column: columns "name" and "name" both mean name.'],
        ),
        ("", "utf-8", ["m.csv:1: -: empty_file: the file is empty."]),
        ("name,country,postal code,city\n", "utf-8", ["m.csv:2: -: no_data: no data lines."]),
    ],
)
def test_bad_mention_files_name_file_line_and_column(tmp_path, text, encoding, expected):
    mentions = write(tmp_path, "m.csv", text, encoding)
    master = write(tmp_path, "master.csv", MASTER_CSV)
    result = tmp_path / "result.csv"
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "match_resellers",
            str(mentions),
            "--master",
            str(master),
            "--out",
            str(result),
            stdout=out,
            stderr=err,
        )
    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start.replace("m.csv", str(mentions), 1)), line
    assert not result.exists()


@pytest.mark.django_db
def test_a_named_encoding_reads_the_file(tmp_path):
    text = "name,country,postal code,city\nSchmidt Datentechnik,DE,80331,München\n"
    mentions = write(tmp_path, "m.csv", text, "latin-1")
    master = write(tmp_path, "master.csv", MASTER_CSV)
    out, _err = run(mentions, "--master", master, "--encoding", "latin-1")
    found = list(csv.DictReader(io.StringIO(out)))
    assert (found[0]["decision"], found[0]["master_id"], found[0]["city"]) == (
        "auto-accepted",
        "K-4",
        "München",
    )


def test_bad_master_files_are_refused(tmp_path):
    mentions = write(tmp_path, "m.csv", "name,country,postal code,city\nX,US,1,Dallas\n")
    master = write(
        tmp_path,
        "master.csv",
        "id,name,country,postal code,city\nA,One,US,1,Dallas\nA,Two,US,2,Dallas\nB,,DE,3,Köln\n",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("match_resellers", str(mentions), "--master", str(master), stderr=err)
    assert err.getvalue().splitlines() == [
        f"{master}:3: id: duplicate_id: id 'A' is already on line 2.",
        f"{master}:4: name: required: empty.",
    ]


@pytest.mark.django_db
def test_missing_file_and_bad_thresholds(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("match_resellers", str(tmp_path / "nope.csv"), stderr=err)
    assert err.getvalue().startswith(f"{tmp_path / 'nope.csv'}:-: -: unreadable: cannot read")
    mentions = write(tmp_path, "m.csv", "name,country,postal code,city\nX,US,1,Dallas\n")
    master = write(tmp_path, "master.csv", MASTER_CSV)
    with pytest.raises(CommandError, match="lower < upper"):
        run(mentions, "--master", master, "--upper", "50", "--lower", "60")


@pytest.mark.django_db
def test_the_database_master_loads_in_a_fixed_number_of_queries(dist_a, django_assert_num_queries):
    from midstream.matching.selectors import master_from_database

    for number in range(5):
        reseller = make_reseller(name=f"Shop {number}")
        make_alias(reseller, f"Shop {number} vendor-wide")
        make_supply(reseller, dist_a, account_number=f"A-{number}")
    with django_assert_num_queries(2):  # resellers, vendor-wide aliases
        vendor_wide = master_from_database()
    with django_assert_num_queries(3):  # resellers, aliases, the distributor's supplies
        alpha = master_from_database(distributor_id=dist_a.pk)
    assert len(vendor_wide.reference.resellers) == 5
    assert len(vendor_wide.reference.aliases) == 5
    assert vendor_wide.account_numbers == ()
    assert sorted(number for number, _id in alpha.account_numbers) == [
        f"A-{number}" for number in range(5)
    ]
