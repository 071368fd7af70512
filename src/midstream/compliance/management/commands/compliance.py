"""``midstream compliance``: recompute reporting compliance as of a day (issue 4, part B)."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from midstream.compliance.jobs import run_cycle
from midstream.compliance.services import distributor_ids_for_codes
from midstream.core.errors import DomainError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Generate the expected-report calendar from the distributors' reporting obligations "
        "and recompute every status and score as of a day; with --send-reminders also send "
        "the reminder e-mails due that day (each at most once). The workers do this on their "
        "own every MIDSTREAM_COMPLIANCE_INTERVAL seconds; this command does it now."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=_date, help="the day statuses are computed for (default: today)"
        )
        parser.add_argument(
            "--distributor",
            action="append",
            metavar="CODE",
            help="only this distributor (repeat for several)",
        )
        parser.add_argument(
            "--send-reminders",
            action="store_true",
            help="send the reminders due on that day",
        )
        parser.add_argument(
            "--months",
            type=int,
            help="how many months back the calendar reaches (default: the setting, 24)",
        )

    def handle(self, *args, as_of, distributor, send_reminders, months, **options):
        as_of = as_of or timezone.localdate()
        try:
            ids = distributor_ids_for_codes(distributor) if distributor else None
            summary, reminders = run_cycle(
                actor=None, as_of=as_of, distributor_ids=ids, send=send_reminders, months=months
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Compliance as of {as_of.isoformat()} (periods ending {summary.window_start} to "
            f"{summary.window_end}): {len(summary.distributors)} distributor"
            f"{'s' if len(summary.distributors) != 1 else ''}, "
            f"{summary.total('created')} expected reports added, "
            f"{summary.total('withdrawn')} withdrawn, {summary.total('deleted')} removed, "
            f"{summary.total('changed')} changed status."
        )
        rows = [("distributor", *[name for name in summary.statuses], "12-month score")]
        for result in summary.distributors:
            rows.append(
                (
                    result.code,
                    *[str(result.statuses.get(name, 0)) for name in summary.statuses],
                    "-" if result.trailing_score is None else f"{result.trailing_score}%",
                )
            )
        rows.append(("total", *[str(count) for count in summary.statuses.values()], ""))
        widths = [max(len(str(row[index])) for row in rows) for index in range(len(rows[0]))]
        for row in rows:
            self.stdout.write(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        if reminders is not None:
            stages = ", ".join(f"{count} {stage}" for stage, count in reminders.by_stage.items())
            self.stdout.write(
                f"Reminders: {reminders.sent} sent{f' ({stages})' if stages else ''}, "
                f"{reminders.failed} failed, {reminders.already_claimed} already sent or "
                f"claimed, {reminders.no_recipients} without recipients."
            )
