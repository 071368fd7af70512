from django.db import models


class Role(models.TextChoices):
    VENDOR_ADMIN = "vendor_admin", "Vendor admin"
    CHANNEL_MANAGER = "channel_manager", "Channel manager"
    FINANCE = "finance", "Finance"
    PRICING_MANAGER = "pricing_manager", "Pricing manager"
    ANALYST = "analyst", "Analyst (read-only)"
    DISTRIBUTOR_ADMIN = "distributor_admin", "Distributor admin"
    DISTRIBUTOR_USER = "distributor_user", "Distributor user"


DISTRIBUTOR_ROLES = frozenset({Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER})
VENDOR_ROLES = frozenset(set(Role) - DISTRIBUTOR_ROLES)
