"""Access rules of the submission pages and API (see ``core/access.py``)."""

SUBMISSION_RULES: list = []
