"""The permission table in docs/permissions.md is the one the code enforces."""

import re
from pathlib import Path

from midstream.accounts.choices import Role
from midstream.accounts.permissions import ROLE_PERMISSIONS, Perm

DOC = Path(__file__).resolve().parents[4] / "docs" / "permissions.md"


def _documented_table() -> dict[str, dict[str, bool]]:
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    header = next(line for line in DOC.read_text().splitlines() if line.startswith("| permission"))
    roles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    table = {}
    for line in lines:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(roles) + 1:
            continue  # another table (the list of roles)
        perm = re.sub(r"`", "", cells[0])
        table[perm] = {role: mark == "✓" for role, mark in zip(roles, cells[1:], strict=True)}
    return table


def test_documented_permission_table_matches_the_code():
    documented = _documented_table()
    assert set(documented) == {perm.value for perm in Perm}
    for perm in Perm:
        for role in Role:
            assert documented[perm.value][role.value] == (perm in ROLE_PERMISSIONS[role]), (
                perm,
                role,
            )
