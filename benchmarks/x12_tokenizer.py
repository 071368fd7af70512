"""Benchmark: the X12 tokenizer on a large synthetic 867, against a naive baseline.

    .venv/bin/python benchmarks/x12_tokenizer.py [--segments N] [--repeat R] [--reader]

Builds one 867 interchange of about N segments (default 2,000,000) in memory, laid out like
real files (one segment per line, indented), then times ``Tokenizer.blocks()`` over it, from
the bytes (decoding included) to every segment split into elements. Prints segments/second
(best of R runs, default 3) and the ratio to a baseline measured in the same run: a naive
character-by-character tokenizer (a Python loop over every character) on a slice of the same
text (its first 100,000 segments). With ``--reader`` it also times the whole ``parse_x12``
(envelopes, loops, records) once, for information.

No database, no Django: the tokenizer is a pure function of the bytes.
"""

from __future__ import annotations

import argparse
import gc
import time

from midstream.ingest.formats.x12 import parse_x12
from midstream.ingest.formats.x12_tokenizer import DiagnosticLog, Tokenizer

BASELINE_SEGMENTS = 100_000

HEADER = (
    "ISA*00*          *00*          *01*DISTRIBUTOR    *01*VENDOR         *240105*1200*U*00401"
    "*000000101*0*P*>~\n"
    "  GS*PT*DISTRIBUTOR*VENDOR*20240105*1200*101*X*004010~\n"
    "    ST*867*0001~\n"
    "      BPT*00*R20240105*20240105*SS~\n"
    "      DTM*090*20231201~\n"
    "      DTM*091*20231231~\n"
    "      N1*DB*EXAMPLE DISTRIBUTION*91*D0001~\n"
)
# One PTD loop with one line: 15 segments.
PTD = (
    "      PTD*SS***VC*SPA{n:06d}~\n"
    "        N1*ST*RESELLER {n} INC*91*R{n:07d}~\n"
    "          N3*{n} MAIN STREET~\n"
    "          N4*SPRINGFIELD*IL*62701*US~\n"
    "        N1*EN*END CUSTOMER {n}*91*E{n:07d}~\n"
    "        QTY*32*{qty}*EA~\n"
    "          LIN*{n}*VP*PART-{part:05d}*UK*0{gtin:013d}~\n"
    "          UIT*EA*{price}.50*CT~\n"
    "          UIT*EA*{price}.99*RS~\n"
    "          AMT*1*{amount}.00~\n"
    "          REF*IV*INV{n:08d}~\n"
    "          DTM*003*20231215~\n"
    "          PID*F****WIDGET MODEL {part}~\n"
    "          REF*PO*PO{n:08d}~\n"
    "          DTM*004*20231210~\n"
)
PTD_SEGMENTS = 15
TRAILER = "      CTT*{lines}~\n    SE*{count}*0001~\n  GE*1*101~\nIEA*1*000000101~\n"


def build_interchange(segments: int) -> tuple[bytes, int]:
    """An 867 interchange of about ``segments`` segments; returns (content, exact count)."""
    loops = max(1, (segments - 11) // PTD_SEGMENTS)
    parts = [HEADER]
    for n in range(loops):
        parts.append(
            PTD.format(
                n=n,
                qty=1 + n % 40,
                part=n % 5000,
                gtin=n % 99991,
                price=10 + n % 90,
                amount=(1 + n % 40) * (10 + n % 90),
            )
        )
    body_segments = 5 + loops * PTD_SEGMENTS + 2  # ST BPT DTM DTM N1, the PTD loops, CTT SE
    parts.append(TRAILER.format(lines=loops, count=body_segments))
    total = body_segments + 4  # ISA, GS, GE, IEA
    return "".join(parts).encode("ascii"), total


def tokenize_all(content: bytes) -> int:
    tokenizer = Tokenizer(content, DiagnosticLog())
    count = 0
    for block in tokenizer.blocks():
        count += len(block.segments)
    return count


def naive_tokenize(text: str, element: str, terminator: str) -> list[list[str]]:
    """The baseline: one Python step per character, as a first attempt would be written."""
    segments: list[list[str]] = []
    elements: list[str] = []
    current: list[str] = []
    for char in text:
        if char == terminator:
            elements.append("".join(current).strip())
            if elements != [""]:
                segments.append(elements)
            elements, current = [], []
        elif char == element:
            elements.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return segments


def best_of(repeat: int, function, *arguments) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = function(*arguments)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reader", action="store_true", help="also time parse_x12 once")
    options = parser.parse_args()

    content, expected = build_interchange(options.segments)
    print(f"synthetic 867: {expected:,} segments, {len(content) / 1e6:.1f} MB")

    seconds, count = best_of(options.repeat, tokenize_all, content)
    if count != expected:
        raise SystemExit(f"tokenizer returned {count:,} segments, expected {expected:,}")
    rate = count / seconds
    print(f"tokenizer: {count:,} segments in {seconds:.3f} s = {rate:,.0f} segments/s")

    text = content.decode("ascii")
    cut = 0
    for _ in range(BASELINE_SEGMENTS):
        cut = text.index("~", cut) + 1
    sample = text[:cut]
    baseline_seconds, baseline_segments = best_of(1, naive_tokenize, sample, "*", "~")
    baseline_rate = len(baseline_segments) / baseline_seconds
    print(
        f"baseline (character loop, first {len(baseline_segments):,} segments): "
        f"{baseline_seconds:.3f} s = {baseline_rate:,.0f} segments/s"
    )
    print(f"ratio: {rate / baseline_rate:.1f}x the baseline")

    if options.reader:
        start = time.perf_counter()
        parsed = parse_x12(content)
        reader_seconds = time.perf_counter() - start
        print(
            f"parse_x12 (envelopes, loops, {len(parsed.records):,} records): "
            f"{reader_seconds:.2f} s = {parsed.segment_count / reader_seconds:,.0f} segments/s"
        )


if __name__ == "__main__":
    main()
