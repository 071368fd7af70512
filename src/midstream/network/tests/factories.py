"""Test data for resellers: plain helpers over the unscoped managers."""

import datetime as dt
import itertools

from midstream.network.models import Reseller, ResellerAlias, ResellerSupply

_numbers = itertools.count(1)


def make_reseller(**fields) -> Reseller:
    number = next(_numbers)
    defaults = {
        "partner_id": f"R{number:07d}",
        "name": f"Reseller {number}",
        "country": "US",
        "city": "Springfield",
        "postal_code": f"{10000 + number}",
    }
    defaults.update(fields)
    return Reseller.objects.unscoped().create(**defaults)


def make_supply(reseller, distributor, *, since=dt.date(2025, 1, 1), **fields) -> ResellerSupply:
    return ResellerSupply.objects.unscoped().create(
        reseller=reseller, distributor=distributor, since=since, **fields
    )


def make_alias(reseller, alias, distributor=None) -> ResellerAlias:
    return ResellerAlias.objects.unscoped().create(
        reseller=reseller, alias=alias, distributor=distributor
    )
