"""``midstream match-resellers MENTIONS.csv [--master MASTER.csv] [--out RESULT.csv]``."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from midstream.core.errors import InputRejected
from midstream.matching.batch import match_file
from midstream.matching.engine import Thresholds
from midstream.matching.files import (
    COLUMNS,
    MASTER_REQUIRED,
    MENTION_REQUIRED,
    RESULT_COLUMNS,
    read_file,
    read_master,
    read_mentions,
)
from midstream.matching.selectors import master_from_database, thresholds_or_defaults


def _columns_help() -> str:
    return "\n".join(
        f"  {field:<15} {'required' if field in MENTION_REQUIRED else 'optional'}; "
        f"also: {', '.join(synonyms[1:]) or '-'}"
        for field, synonyms in COLUMNS.items()
        if field not in {"id", "aliases"}
    )


def _score(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Match a list of raw reseller mentions to the reseller master with the same engine as\n"
        "report intake: partner id, tax id, account number, alias, then the fuzzy name and\n"
        "address match. Each distinct mention is resolved once.\n\n"
        "Mention columns (header names ignore case, blanks, dashes and underscores):\n"
        + _columns_help()
        + "\n\n"
        "The master is the database's reseller master (vendor-wide; with --distributor CODE\n"
        "also that distributor's aliases and account numbers), or --master MASTER.csv with\n"
        f"the columns {', '.join(MASTER_REQUIRED)} and optionally address, partner_id,\n"
        "tax_id, account_number and aliases (several separated by | or ;).\n\n"
        "The result is the mentions file with these columns added:\n"
        f"  {', '.join(RESULT_COLUMNS)}\n"
        "decision is auto-accepted, review or new; master_id is the reseller's partner id\n"
        "(database) or id (CSV); runner_up_id is the next-best reseller (for 'new', the\n"
        "closest one).\n\n"
        "Thresholds: the matching settings saved in the database (the defaults when there\n"
        "is none), unless --upper/--lower/--margin are given.\n\n"
        "Exit 0 on success. When a file has problems nothing is written; each problem is\n"
        "printed to stderr as 'FILE:LINE: column: code: message' and the command exits 1."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = RawDescriptionHelpFormatter
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("mentions", metavar="MENTIONS.csv", help="the raw mentions")
        parser.add_argument("--master", metavar="MASTER.csv", help="match against this master")
        parser.add_argument(
            "--out", metavar="RESULT.csv", help="where to write the result (default: stdout)"
        )
        parser.add_argument(
            "--distributor",
            metavar="CODE",
            help="database master: also use this distributor's aliases and account numbers",
        )
        parser.add_argument(
            "--encoding", default="utf-8", help="encoding of the input files (default utf-8)"
        )
        for name in ("upper", "lower", "margin"):
            parser.add_argument(f"--{name}", type=_score, metavar="SCORE")

    def handle(self, *args, mentions, master, out, distributor, encoding, **options):
        try:
            mentions_file = read_mentions(
                read_file(Path(mentions), mentions), source=mentions, encoding=encoding
            )
            if master:
                if distributor:
                    raise CommandError("--distributor applies to the database's master only")
                master_data = read_master(
                    read_file(Path(master), master), source=master, encoding=encoding
                )
            else:
                master_data = master_from_database(distributor_id=self._distributor(distributor))
        except InputRejected as rejected:
            for problem in rejected.problems:
                line = problem.line if problem.line is not None else "-"
                self.stderr.write(
                    f"{rejected.source}:{line}: {problem.field or '-'}: {problem.code}: "
                    f"{problem.message}"
                )
            raise CommandError(rejected.message, returncode=1) from None
        thresholds = self._thresholds(options)
        if out:
            with open(out, "w", encoding="utf-8", newline="") as handle:
                run = match_file(mentions_file, master_data, thresholds, handle)
        else:
            run = match_file(mentions_file, master_data, thresholds, self.stdout)
        self.stderr.write(
            f"{mentions}: {run.summary()} "
            f"(thresholds: review from {thresholds.lower}, automatic from {thresholds.upper}, "
            f"margin {thresholds.margin}; matched in {run.seconds['match']:.1f} s)"
        )

    def _distributor(self, code: str | None) -> int | None:
        if not code:
            return None
        from midstream.partners.models import Distributor

        found = Distributor.objects.unscoped().filter(code=code).values_list("pk", flat=True)
        distributor_id = found.first()
        if distributor_id is None:
            raise CommandError(f"no distributor with code {code!r}", returncode=2)
        return distributor_id

    def _thresholds(self, options) -> Thresholds:
        saved, from_database = thresholds_or_defaults()
        if not from_database:
            self.stderr.write("no database: using the default thresholds")
        upper = options["upper"] if options["upper"] is not None else saved.upper
        lower = options["lower"] if options["lower"] is not None else saved.lower
        margin = options["margin"] if options["margin"] is not None else saved.margin
        try:
            return Thresholds(upper=upper, lower=lower, margin=margin)
        except ValueError as error:
            raise CommandError(f"thresholds: {error}", returncode=2) from None
