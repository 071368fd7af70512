from midstream.accounts.permissions import Perm  # noqa: F401
from midstream.core.access import api, page  # noqa: F401

RULES: list = []
