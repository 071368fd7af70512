from django.contrib import admin

from midstream.accounts.models import APIToken, User
from midstream.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Users change through accounts.services (audited); the admin shows them."""

    list_display = ["username", "role", "distributor", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email"]
    exclude = ["password"]


@admin.register(APIToken)
class APITokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "key_id", "created_at", "last_used_at", "revoked_at"]
    exclude = ["secret_hash"]
