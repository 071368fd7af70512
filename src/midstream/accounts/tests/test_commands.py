from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from midstream.accounts.choices import Role
from midstream.accounts.models import APIToken


@pytest.mark.django_db
def test_create_token_prints_a_working_token(users, client):
    out = StringIO()
    call_command("create_token", "analyst", "cli test", stdout=out)
    text = out.getvalue().strip()
    assert text.startswith("mst_")
    assert APIToken.objects.get(user=users[Role.ANALYST]).name == "cli test"
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 200


@pytest.mark.django_db
def test_create_token_for_unknown_user_fails(users):
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("create_token", "ghost", "x")


def test_cli_help_lists_the_main_commands(capsys):
    from midstream.cli import main

    main(["midstream", "--help"])
    out = capsys.readouterr().out
    for command in ["demo", "migrate", "runserver", "import-sellin", "createsuperuser"]:
        assert command in out


@pytest.mark.django_db
def test_createsuperuser_makes_an_audited_vendor_admin():
    from midstream.accounts.models import User
    from midstream.core.models import AuditRecord

    call_command("createsuperuser", username="boss", email="boss@example.com", interactive=False)
    user = User.objects.get(username="boss")
    assert (user.role, user.is_staff, user.is_superuser) == ("vendor_admin", True, True)
    record = AuditRecord.objects.get(action="user.create", object_id=str(user.pk))
    assert record.reason == "createsuperuser"
    assert record.changes == {"username": [None, "boss"], "role": [None, "vendor_admin"]}
