"""The access matrix, generated from the URL configuration and the OpenAPI schema.

* Every named page of a Midstream app (and ``home``) and every API ``operationId`` must have
  at least one rule in some app's ``access.py`` ``RULES``; every rule must name a real page or
  operation. A new endpoint without a rule fails here the day it is added.
* Every rule is then requested as every role (anonymous, the five vendor roles, ALPHA's
  distributor admin and user), against ALPHA's own objects and BRAVO's foreign ones when the
  rule is object-bound, and the status must match the contract in ``core/access.py``.
* No answer to a distributor role (or to an anonymous caller) may contain a canary string
  seeded into BRAVO's data (``tests/cast.py``).

Each request runs in a savepoint that is rolled back, so a POST cannot change what the next
request sees.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import pytest
from cast import contains_canary
from django.apps import apps
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from midstream.accounts.choices import DISTRIBUTOR_ROLES, Role
from midstream.accounts.permissions import ROLE_PERMISSIONS

ROLES: list[Role | None] = [
    None,
    Role.VENDOR_ADMIN,
    Role.CHANNEL_MANAGER,
    Role.FINANCE,
    Role.PRICING_MANAGER,
    Role.ANALYST,
    Role.DISTRIBUTOR_ADMIN,
    Role.DISTRIBUTOR_USER,
]
EXCLUDED_NAMESPACES = {"admin", "api"}  # the admin site and the ninja API (its own checks)
EXCLUDED_NAMES = {"login", "logout"}  # tests/test_security.py covers them


def midstream_apps():
    return [app for app in apps.get_app_configs() if app.name.startswith("midstream.")]


def collect_rules():
    rules = []
    for app in midstream_apps():
        module_name = f"{app.name}.access"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # an app with no pages or operations has no access.py
            raise
        rules.extend(module.RULES)
    return rules


RULES = collect_rules()


def rule_id(rule) -> str:
    text = f"{rule.kind}:{rule.name}:{rule.method}"
    return f"{text}?{rule.query}" if rule.query else text


def walk_urls(resolver=None, namespaces: tuple[str, ...] = ()):
    """Yield (full URL name, namespaces) for every named pattern, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk_urls(pattern, inner)
        elif pattern.name:
            yield ":".join((*namespaces, pattern.name)), namespaces


def pages_needing_rules() -> set[str]:
    labels = {app.label for app in midstream_apps()}
    names = set()
    for name, namespaces in walk_urls():
        if namespaces and namespaces[0] in EXCLUDED_NAMESPACES:
            continue
        if not namespaces and name in EXCLUDED_NAMES:
            continue
        if (namespaces and namespaces[0] in labels) or name == "home":
            names.add(name)
    return names


@cache
def api_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (HTTP method, path template) from the OpenAPI schema."""
    from midstream.api.main import api

    operations = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            operations[operation["operationId"]] = (method.upper(), path)
    return operations


def test_every_page_has_a_rule():
    covered = {rule.name for rule in RULES if rule.kind == "page"}
    missing = sorted(pages_needing_rules() - covered)
    assert not missing, "pages without an access rule: " + ", ".join(missing)


def test_every_api_operation_has_a_rule():
    covered = {rule.name for rule in RULES if rule.kind == "api"}
    missing = sorted(set(api_operations()) - covered)
    assert not missing, "API operations without an access rule: " + ", ".join(missing)


def test_every_rule_names_a_real_page_or_operation():
    all_pages = {name for name, _namespaces in walk_urls()}
    operations = api_operations()
    problems = []
    for rule in RULES:
        if rule.kind == "page":
            if rule.name not in all_pages:
                problems.append(f"{rule_id(rule)}: no URL named {rule.name!r}")
        elif rule.kind == "api":
            if rule.name not in operations:
                problems.append(f"{rule_id(rule)}: no operationId {rule.name!r}")
            elif operations[rule.name][0] != rule.method:
                problems.append(
                    f"{rule_id(rule)}: the operation's method is {operations[rule.name][0]}"
                )
        else:
            problems.append(f"{rule_id(rule)}: kind must be 'page' or 'api'")
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_something():
    # Guards against an empty RULES collection silently passing the matrix.
    assert {rule.name for rule in RULES} >= {"home", "me", "core:audit_list"}


def expected_statuses(rule, role, side) -> frozenset[int]:
    if role is None:
        return frozenset({302}) if rule.kind == "page" else frozenset({401})
    if rule.perm is not None and rule.perm not in ROLE_PERMISSIONS[role]:
        return frozenset({403})
    if rule.vendor_only and role in DISTRIBUTOR_ROLES:
        return frozenset({403})
    if side == "foreign" and role in DISTRIBUTOR_ROLES:
        return frozenset({404})
    return rule.expected_ok


@dataclass
class Answer:
    status: int
    body: bytes
    location: str


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def send(rule, role, bundle, cast) -> Answer:
    """Make the rule's request as ``role`` against ``bundle``; roll back whatever it wrote."""
    kwargs = rule.kwargs(bundle) if rule.kwargs else {}
    with transaction.atomic():
        try:
            if rule.kind == "page":
                url = reverse(rule.name, kwargs=kwargs or None)
                client = cast.page_clients[role]
            else:
                _method, template = api_operations()[rule.name]
                url = template.format(**kwargs)
                client = cast.api_clients[role]
            if rule.query:
                url = f"{url}?{rule.query}"
            if rule.method == "GET":
                response = client.get(url)
            elif rule.kind == "page":
                response = client.generic(
                    rule.method, url, "", content_type="application/x-www-form-urlencoded"
                )
            else:
                response = client.generic(rule.method, url, "{}", content_type="application/json")
            return Answer(response.status_code, _body(response), response.get("Location", ""))
        finally:
            transaction.set_rollback(True)


def check(rule, role, side, cast) -> list[str]:
    bundle = cast.foreign if side == "foreign" else cast.own
    expected = expected_statuses(rule, role, side)
    label = f"{rule_id(rule)} as {role or 'anonymous'}" + (f" ({side})" if side else "")
    try:
        answer = send(rule, role, bundle, cast)
    except Exception as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        return [f"{label}: expected {sorted(expected)}, got {type(error).__name__}: {first_line}"]
    problems = []
    if answer.status not in expected:
        problems.append(f"{label}: expected {sorted(expected)}, got {answer.status}")
    elif role is None and rule.kind == "page":
        login = reverse("login")
        if not answer.location.startswith(login):
            problems.append(f"{label}: redirected to {answer.location!r}, not to {login}")
    if (role is None or role in DISTRIBUTOR_ROLES) and contains_canary(answer.body):
        problems.append(f"{label}: the answer contains another distributor's data (canary)")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_access(rule, matrix_cast):
    """One rule, every role, own and foreign objects: all mismatches in one message."""
    sides = ("own", "foreign") if rule.object_bound else (None,)
    problems = []
    for role in ROLES:
        for side in sides:
            problems.extend(check(rule, role, side, matrix_cast))
    assert not problems, "\n".join(problems)
