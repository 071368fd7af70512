import pytest

from midstream.accounts import services
from midstream.accounts.choices import Role
from midstream.accounts.models import APIToken, User, hash_token_secret
from midstream.core.errors import DomainError, PermissionDeniedError
from midstream.core.models import AuditRecord


@pytest.mark.django_db
def test_token_is_shown_once_and_stored_hashed(users):
    user = users[Role.ANALYST]
    token, text = services.issue_token(actor=user, user=user, name="ERP")
    prefix, key_id, secret = text.split("_", 2)
    assert prefix == "mst"
    assert token.key_id == key_id
    assert token.secret_hash == hash_token_secret(secret)
    assert secret not in token.secret_hash
    assert AuditRecord.objects.filter(action="token.issue", object_id=str(user.pk)).count() == 1


@pytest.mark.django_db
def test_token_authenticates_until_revoked(users, client):
    user = users[Role.DISTRIBUTOR_USER]
    token, text = services.issue_token(actor=user, user=user, name="upload")
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "username": "da_user",
        "role": "distributor_user",
        "distributor_id": user.distributor_id,
        "distributor_code": "ALPHA",
    }
    services.revoke_token(actor=user, token_id=token.pk)
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_wrong_secret_and_garbage_tokens_are_refused(users, client):
    user = users[Role.ANALYST]
    _token, text = services.issue_token(actor=user, user=user, name="x")
    for bad in [text[:-1] + ("A" if text[-1] != "A" else "B"), "mst_nope", "garbage", ""]:
        response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {bad}")
        assert response.status_code == 401, bad


@pytest.mark.django_db
def test_a_user_cannot_revoke_someone_elses_token(users):
    owner = users[Role.ANALYST]
    token, _text = services.issue_token(actor=owner, user=owner, name="x")
    with pytest.raises(DomainError) as caught:
        services.revoke_token(actor=users[Role.DISTRIBUTOR_USER], token_id=token.pk)
    assert caught.value.status == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(PermissionDeniedError):
        services.issue_token(actor=users[Role.ANALYST], user=users[Role.FINANCE], name="x")


@pytest.mark.django_db
def test_token_page_shows_the_token_once(client_for, users):
    client = client_for(Role.FINANCE)
    response = client.post("/accounts/tokens/", {"name": "nightly"})
    token = APIToken.objects.get(user=users[Role.FINANCE])
    assert f"mst_{token.key_id}_".encode() in response.content
    response = client.get("/accounts/tokens/")
    assert f"mst_{token.key_id}_".encode() not in response.content
    assert token.key_id.encode() in response.content


@pytest.mark.django_db
def test_create_user_checks_role_and_distributor_and_audits(users, dist_a):
    admin = users[Role.VENDOR_ADMIN]
    with pytest.raises(DomainError):
        services.create_user(
            actor=admin, username="x1", password="a-long-password-1", role=Role.DISTRIBUTOR_USER
        )
    with pytest.raises(DomainError):
        services.create_user(
            actor=admin,
            username="x2",
            password="a-long-password-1",
            role=Role.ANALYST,
            distributor=dist_a,
        )
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
    user = services.create_user(
        actor=admin,
        username="newbie",
        password="a-long-password-1",
        role=Role.DISTRIBUTOR_USER,
        distributor=dist_a,
    )
    record = AuditRecord.objects.get(action="user.create", object_id=str(user.pk))
    assert record.changes["role"] == [None, "distributor_user"]
    assert record.changes["distributor"] == [None, dist_a.pk]
    assert record.distributor_id == dist_a.pk


@pytest.mark.django_db
def test_deactivating_a_user_revokes_tokens(users):
    admin = users[Role.VENDOR_ADMIN]
    target = users[Role.ANALYST]
    services.issue_token(actor=target, user=target, name="x")
    services.set_user_active(actor=admin, user=target, active=False, reason="left")
    assert not APIToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    record = AuditRecord.objects.get(action="user.deactivate")
    assert record.changes == {"is_active": [True, False], "api_tokens_revoked": [None, 1]}


@pytest.mark.django_db
def test_user_pages_for_vendor_admin(client_for, users, dist_b):
    client = client_for(Role.VENDOR_ADMIN)
    response = client.get("/accounts/users/", {"role": "distributor_user"})
    assert response.status_code == 200
    assert b"da_user" in response.content and b"db_user" in response.content
    assert b"analyst" not in response.content.split(b"<tbody>")[1]
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "carol",
            "role": "distributor_admin",
            "distributor": dist_b.pk,
            "password": "another-long-pass-9",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="carol").distributor == dist_b
    response = client.post(
        "/accounts/users/new/",
        {"username": "dave", "role": "analyst", "distributor": dist_b.pk, "password": "x"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="dave").exists()


@pytest.mark.django_db
def test_user_api(api_client_for, users, dist_a):
    client = api_client_for(Role.VENDOR_ADMIN)
    response = client.post(
        "/api/users",
        {"username": "erin", "password": "a-long-password-7", "role": "finance"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    user_id = response.json()["id"]
    response = client.post(
        f"/api/users/{user_id}/role",
        {"role": "distributor_user", "reason": "moved"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "distributor"
    response = client.post(
        f"/api/users/{user_id}/role",
        {"role": "distributor_user", "distributor_id": dist_a.pk, "reason": "moved"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["distributor_id"] == dist_a.pk
    response = client.get("/api/users", {"role": "distributor_user"})
    assert response.json()["count"] == 3
    denied = api_client_for(Role.CHANNEL_MANAGER).get("/api/users")
    assert denied.status_code == 403
