"""Access rules of the version diff and corrections pages and API."""

VERSION_RULES: list = []
