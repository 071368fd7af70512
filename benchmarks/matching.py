"""Benchmark: reseller matching quality and speed (issue 4, Part A, item 6), run by hand.

    .venv/bin/python benchmarks/matching.py [--masters 20000] [--mentions 50000]
        [--lines 1000000] [--seed 4] [--work-dir DIR] [--baseline-sample 300]
        [--chart docs/img/matching-threshold-curve.svg] [--no-chart]

What it does:

1. Generates the labelled set (``midstream.demo.matching_set``: ``--masters`` resellers in
   ten countries, ``--mentions`` distinct raw mentions with their truth and variation kind)
   and writes ``masters.csv`` and ``mentions.csv`` to the work directory (reused when
   ``--work-dir`` already holds them). Untimed.
2. **Quality and distinct-mention speed**: reads both files and matches the mentions with
   the thresholds in ``engine.Thresholds()`` (the defaults) through the code path of
   ``midstream match-resellers`` (``matching.files`` + ``matching.batch.match_file``),
   writing ``result.csv``. Prints the time to build the index and to match the distinct
   mentions, then precision (of the auto-accepted, the share matched to the right reseller),
   recall (of the mentions whose reseller is in the master, the share auto-accepted
   correctly), the review and new shares, per mention and per line (lines weighted as in
   step 3), and a table per variation kind.
3. **A million lines**: writes ``lines.csv``, ``--lines`` report lines naming the
   ``--mentions`` distinct mentions with a long-tailed repetition
   (``matching_set.line_counts``), then times the whole command path on it: read and
   check the file, collapse to distinct mentions, match, map back, write the result.
4. **Threshold curve**: the candidates do not depend on the thresholds, so the decisions of
   step 2's results are recomputed (``engine.decide``) for automatic thresholds from 80 to
   100; prints precision, recall and review share for each and writes the chart (SVG, drawn
   here) to ``--chart``. Also the lowest automatic threshold meeting the goal, and for a few
   review thresholds the share of present resellers that would be flagged new (missed) and
   of absent ones that would be sent to review (work).
5. **Baseline**, in the same run: rapidfuzz ``process.extractOne`` with ``WRatio`` over all
   master names of the mention's country, no blocking, no normalisation beyond rapidfuzz's
   default processor, no address: on ``--baseline-sample`` mentions, timed and scaled to
   all distinct mentions; its precision and recall when accepting scores of 90 or more.
   Prints the engine's speed as a ratio to it.

The goal (issue 4): precision at least 99.5 % with recall at least 90 %, printed as
PASS/FAIL, never asserted. The load average is printed before and after (the machine may be
shared).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_PRECISION = 0.995
GOAL_RECALL = 0.90
CURVE = [Decimal(80) + Decimal("0.5") * step for step in range(41)]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midstream.settings")
    import django

    django.setup()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def revision() -> str:
    try:
        return subprocess.run(  # noqa: S603 (a fixed git command, list argv)
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@dataclass
class Quality:
    total: int
    present: int
    auto: int
    correct: int
    review: int
    new: int

    @property
    def precision(self) -> float:
        return self.correct / self.auto if self.auto else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.present if self.present else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.total

    @property
    def new_share(self) -> float:
        return self.new / self.total

    def line(self, label: str) -> str:
        return (
            f"{label:<10} precision {self.precision:8.3%}  recall {self.recall:7.2%}  "
            f"review {self.review_share:6.2%}  new {self.new_share:6.2%}  "
            f"({self.auto:,} auto-accepted, {self.auto - self.correct:,} wrong)"
        )


def quality(decisions, truths, weights=None) -> Quality:
    """``decisions``: (decision, reseller id) per mention; ``truths``: id or None."""
    from midstream.matching.engine import Decision

    total = present = auto = correct = review = new = 0
    for index, (decision, reseller_id) in enumerate(decisions):
        weight = weights[index] if weights else 1
        truth = truths[index]
        total += weight
        if truth is not None:
            present += weight
        if decision is Decision.AUTO:
            auto += weight
            if reseller_id == truth:
                correct += weight
        elif decision is Decision.REVIEW:
            review += weight
        else:
            new += weight
    return Quality(total, present, auto, correct, review, new)


def generate(args, work: Path) -> tuple[Path, Path]:
    masters, mentions = work / "masters.csv", work / "mentions.csv"
    if masters.exists() and mentions.exists():
        print(f"set:        reusing {masters} and {mentions}")
        return masters, mentions
    from midstream.demo.matching_set import generate_matching_set

    clock = time.perf_counter()
    labelled = generate_matching_set(seed=args.seed, masters=args.masters, mentions=args.mentions)
    labelled.write_csv(work)
    print(f"set:        generated in {time.perf_counter() - clock:.1f} s (untimed below)")
    print("            " + labelled.describe().replace("\n", "\n            "))
    return masters, mentions


def write_lines(mentions_path: Path, lines_path: Path, lines: int, seed: int) -> list[int]:
    from midstream.demo.matching_set import line_counts

    with mentions_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:]
    counts = line_counts(len(data), lines, seed=seed)
    if not lines_path.exists():
        order = [index for index, count in enumerate(counts) for _ in range(count)]
        random.Random(seed).shuffle(order)
        keep = [position for position, name in enumerate(header) if name not in {"truth", "kind"}]
        with lines_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([header[position] for position in keep])
            for index in order:
                writer.writerow([data[index][position] for position in keep])
    return counts


def baseline(files, master, sample_size: int, truths, total_mentions: int):
    """Naive rapidfuzz: extractOne with WRatio over the whole country, on a sample."""
    from rapidfuzz import fuzz, process, utils

    names_by_country: dict[str, list[str]] = {}
    ids_by_country: dict[str, list[int]] = {}
    for reseller_id, record in sorted(master.reference.resellers.items()):
        names_by_country.setdefault(record.country, []).append(record.name)
        ids_by_country.setdefault(record.country, []).append(reseller_id)
    step = max(1, len(files.lines) // sample_size)
    sample = list(range(0, len(files.lines), step))[:sample_size]
    clock = time.perf_counter()
    found = []
    for index in sample:
        mention = files.lines[index].mention
        choices = names_by_country.get(mention.country, [])
        best = process.extractOne(
            mention.name, choices, scorer=fuzz.WRatio, processor=utils.default_process
        )
        found.append((best[1], ids_by_country[mention.country][best[2]]) if best else (0, None))
    seconds = time.perf_counter() - clock
    per_mention = seconds / len(sample)
    accepted = [(score >= 90, reseller_id) for score, reseller_id in found]
    sample_truths = [truths[index] for index in sample]
    auto = sum(1 for ok, _ in accepted if ok)
    correct = sum(
        1 for (ok, rid), truth in zip(accepted, sample_truths, strict=True) if ok and rid == truth
    )
    present = sum(1 for truth in sample_truths if truth is not None)
    return {
        "sample": len(sample),
        "seconds": seconds,
        "scaled": per_mention * total_mentions,
        "precision": correct / auto if auto else 1.0,
        "recall": correct / present if present else 1.0,
    }


def curve(results, mentions, truths, weights, lower, margin):
    from midstream.matching.engine import Decision, Thresholds, decide

    rows = []
    for upper in CURVE:
        if upper <= lower:
            continue
        thresholds = Thresholds(upper=upper, lower=lower, margin=margin)
        decisions = []
        for mention in mentions:
            result = results[mention]
            if result.method != "fuzzy":
                decisions.append((Decision.AUTO, result.reseller_id))
                continue
            again = decide(result.candidates, thresholds)
            decisions.append((again.decision, again.reseller_id))
        by_mention = quality(decisions, truths)
        by_line = quality(decisions, truths, weights)
        rows.append((upper, by_mention, by_line))
    return rows


def svg_chart(rows, chosen: Decimal, path: Path) -> None:
    """Two panels: precision and recall (80 to 100 %), review and new shares (0 to 40 %)."""
    width, height = 760, 520
    left, right = 70, 20
    panels = [(40, 270, 80.0, 100.0), (330, 470, 0.0, 40.0)]
    xs = [float(upper) for upper, _m, _l in rows]
    x_min, x_max = min(xs), max(xs)

    def x_of(value: float) -> float:
        return left + (value - x_min) / (x_max - x_min) * (width - left - right)

    def y_of(value: float, panel) -> float:
        top, bottom, low, high = panel
        value = min(max(value, low), high)
        return bottom - (value - low) / (high - low) * (bottom - top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">'
        "Reseller matching: quality against the automatic threshold (per line)</text>",
    ]
    series = [
        (0, "precision", lambda quality: quality.precision * 100, "#1f6fb2", ""),
        (0, "recall", lambda quality: quality.recall * 100, "#d9480f", ""),
        (1, "review share", lambda quality: quality.review_share * 100, "#2b8a3e", ""),
        (1, "new share", lambda quality: quality.new_share * 100, "#7048e8", "4 3"),
    ]
    for number, panel in enumerate(panels):
        top, bottom, low, high = panel
        out.append(
            f'<rect x="{left}" y="{top}" width="{width - left - right}" '
            f'height="{bottom - top}" fill="none" stroke="#999"/>'
        )
        step = 5.0 if number == 0 else 10.0
        tick = low
        while tick <= high + 1e-9:
            y = y_of(tick, panel)
            out.append(
                f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
            )
            out.append(
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.0f} %</text>'
            )
            tick += step
        for value in range(int(x_min), int(x_max) + 1, 2):
            x = x_of(value)
            out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{value}</text>')
    for goal, label in ((GOAL_PRECISION * 100, "goal 99.5 %"), (GOAL_RECALL * 100, "goal 90 %")):
        y = y_of(goal, panels[0])
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#888" stroke-dasharray="2 3"/>'
        )
        out.append(f'<text x="{left + 4}" y="{y - 3:.1f}" fill="#666">{label}</text>')
    chosen_x = x_of(float(chosen))
    for top, bottom, _low, _high in panels:
        out.append(
            f'<line x1="{chosen_x:.1f}" x2="{chosen_x:.1f}" y1="{top}" y2="{bottom}" '
            'stroke="#000" stroke-dasharray="5 3"/>'
        )
    out.append(f'<text x="{chosen_x + 4:.1f}" y="{panels[0][0] + 14}">default {chosen}</text>')
    for panel_number, _label, value, colour, dash in series:
        panel = panels[panel_number]
        points = " ".join(
            f"{x_of(float(upper)):.1f},{y_of(value(by_line), panel):.1f}"
            for upper, _m, by_line in rows
        )
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attribute}/>'
        )
    for number, (panel_number, label, _value, colour, _dash) in enumerate(series):
        # legends where the lines are not: bottom left of the top panel, top left below
        top, bottom, _low, _high = panels[panel_number]
        y = bottom - 12 - 16 * (number % 2) if panel_number == 0 else top + 18 + 16 * (number % 2)
        x = left + 12
        out.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
            'stroke-width="2"/>'
        )
        out.append(f'<text x="{x + 30}" y="{y}">{label}</text>')
    out.append(
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle">'
        "automatic threshold (score 0 to 100)</text>"
    )
    out.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--masters", type=int, default=20_000)
    parser.add_argument("--mentions", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--work-dir", type=Path)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument(
        "--chart", type=Path, default=ROOT / "docs" / "img" / "matching-threshold-curve.svg"
    )
    parser.add_argument("--no-chart", action="store_true")
    args = parser.parse_args()
    setup_django()
    if args.work_dir:
        args.work_dir.mkdir(parents=True, exist_ok=True)
        return run(args, args.work_dir)
    with tempfile.TemporaryDirectory(prefix="matching-bench-") as directory:
        return run(args, Path(directory))


def run(args, work: Path) -> int:
    from midstream.matching.batch import match_file
    from midstream.matching.engine import Decision, Thresholds
    from midstream.matching.files import read_master, read_mentions

    print(f"revision:   {revision()}   load average before: {load()}")
    masters_path, mentions_path = generate(args, work)
    thresholds = Thresholds()

    # 2. quality and distinct-mention speed, through the command's code path
    clock = time.perf_counter()
    master = read_master(masters_path.read_bytes(), source=str(masters_path))
    files = read_mentions(mentions_path.read_bytes(), source=str(mentions_path))
    read_seconds = time.perf_counter() - clock
    with (work / "result.csv").open("w", encoding="utf-8", newline="") as handle:
        run_50k = match_file(files, master, thresholds, handle)
    with mentions_path.open(encoding="utf-8", newline="") as handle:
        labelled = list(csv.DictReader(handle))
    by_label = {label: reseller_id for reseller_id, label in master.labels.items()}
    truths = [by_label.get(row["truth"]) if row["truth"] else None for row in labelled]
    kinds = [row["kind"] for row in labelled]
    mentions = [line.mention for line in files.lines]
    results = run_50k.results
    decisions = [(results[m].decision, results[m].reseller_id) for m in mentions]
    counts = write_lines(mentions_path, work / "lines.csv", args.lines, args.seed)
    print(
        f"\nmaster:     {len(master.reference.resellers):,} resellers; "
        f"mentions: {len(mentions):,} lines, {run_50k.distinct:,} distinct"
    )
    print(
        f"timing:     read both files {read_seconds:.1f} s; "
        f"index {run_50k.seconds['index']:.1f} s; "
        f"match {run_50k.distinct:,} distinct mentions {run_50k.seconds['match']:.1f} s "
        f"({run_50k.distinct / run_50k.seconds['match']:,.0f} per second)"
    )
    print(
        f"thresholds: automatic from {thresholds.upper}, review from {thresholds.lower}, "
        f"margin {thresholds.margin}"
    )
    per_mention = quality(decisions, truths)
    per_line = quality(decisions, truths, counts)
    print(per_mention.line("mentions"))
    print(per_line.line("lines"))
    fuzzy_only = [index for index, m in enumerate(mentions) if results[m].method == "fuzzy"]
    fuzzy = quality(
        [decisions[index] for index in fuzzy_only], [truths[index] for index in fuzzy_only]
    )
    print(fuzzy.line("fuzzy"))
    methods = Counter(results[m].method for m in mentions)
    print("methods:    " + ", ".join(f"{method} {count:,}" for method, count in methods.items()))
    print("\nper kind (mentions)         count  auto-ok  wrong  review     new")
    for kind in sorted(set(kinds)):
        indexes = [index for index, value in enumerate(kinds) if value == kind]
        kind_quality = quality(
            [decisions[index] for index in indexes], [truths[index] for index in indexes]
        )
        print(
            f"  {kind:<24} {len(indexes):6,}  {kind_quality.correct / len(indexes):7.1%}  "
            f"{kind_quality.auto - kind_quality.correct:5,}  "
            f"{kind_quality.review / len(indexes):6.1%}  {kind_quality.new / len(indexes):6.1%}"
        )
    goal_met = per_line.precision >= GOAL_PRECISION and per_line.recall >= GOAL_RECALL
    print(
        f"\ngoal:       precision >= 99.5 % with recall >= 90 % (lines): "
        f"{'PASS' if goal_met else 'FAIL'}"
    )

    # 3. a million lines through the whole command path
    lines_path = work / "lines.csv"
    clock = time.perf_counter()
    line_files = read_mentions(lines_path.read_bytes(), source=str(lines_path))
    read_lines = time.perf_counter() - clock
    run_lines = match_file(line_files, master, thresholds, io.StringIO())
    total = read_lines + sum(run_lines.seconds.values())
    same = all(
        run_lines.results[m].decision is results[m].decision
        and run_lines.results[m].reseller_id == results[m].reseller_id
        for m in mentions
    )
    print(
        f"\n{run_lines.lines:,} lines naming {run_lines.distinct:,} distinct mentions: "
        f"{total:.1f} s in all = read and check {read_lines:.1f} s + index "
        f"{run_lines.seconds['index']:.1f} s + match {run_lines.seconds['match']:.1f} s + "
        f"map back {run_lines.seconds['map_back']:.1f} s + write "
        f"{run_lines.seconds['write']:.1f} s; decisions identical to the distinct run: {same}"
    )
    print("            " + run_lines.summary())

    # 4. the threshold curve
    rows = curve(results, mentions, truths, counts, thresholds.lower, thresholds.margin)
    print("\nthreshold curve (lower and margin as above; per line, then per mention)")
    print("  upper  precision   recall   review  |  precision   recall   review")
    for upper, by_mention, by_line in rows:
        print(
            f"  {upper:5}  {by_line.precision:8.3%}  {by_line.recall:7.2%}  "
            f"{by_line.review_share:6.2%}  |  {by_mention.precision:8.3%}  "
            f"{by_mention.recall:7.2%}  {by_mention.review_share:6.2%}"
        )
    meeting = [
        upper
        for upper, by_mention, by_line in rows
        if min(by_line.precision, by_mention.precision) >= GOAL_PRECISION
        and min(by_line.recall, by_mention.recall) >= GOAL_RECALL
    ]
    if meeting:
        print(f"lowest automatic threshold meeting the goal (lines and mentions): {meeting[0]}")
    else:
        print("no automatic threshold meets the goal")
    print("\nreview threshold (lower): present resellers flagged new / absent ones sent to review")
    print("  lower  present->new  absent->review   (per mention, automatic threshold as above)")
    for lower in (Decimal(60), Decimal(65), Decimal(70), Decimal(75), Decimal(80), Decimal(85)):
        present_new = absent_review = present_total = absent_total = 0
        for mention, truth in zip(mentions, truths, strict=True):
            result = results[mention]
            best = result.candidates[0].score if result.candidates else Decimal(0)
            below = result.method == "fuzzy" and best < lower
            if truth is None:
                absent_total += 1
                absent_review += result.decision is not Decision.AUTO and not below
            else:
                present_total += 1
                present_new += below
        print(
            f"  {lower:5}  {present_new / present_total:11.2%}  "
            f"{absent_review / absent_total:14.2%}"
        )
    if not args.no_chart:
        svg_chart(rows, thresholds.upper, args.chart)
        print(f"chart:      {args.chart}")

    # 5. the naive baseline
    base = baseline(files, master, args.baseline_sample, truths, run_50k.distinct)
    engine_seconds = run_50k.seconds["index"] + run_50k.seconds["match"]
    print(
        f"\nbaseline:   extractOne(WRatio) over the whole country, {base['sample']} mentions in "
        f"{base['seconds']:.1f} s, scaled to {run_50k.distinct:,}: {base['scaled']:.0f} s; "
        f"at score >= 90: precision {base['precision']:.1%}, recall {base['recall']:.1%}"
    )
    print(
        f"ratio:      the engine (index + match, {engine_seconds:.1f} s) is "
        f"{base['scaled'] / engine_seconds:.1f}x faster than the baseline"
    )
    print(f"load average after: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
