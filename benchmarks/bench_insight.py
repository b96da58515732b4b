"""Insight at network scale: key drivers and note themes for a synthetic 3,000-dealer wave (docs/performance.md).

Generates the network with the synthetic generator (one visit per dealer and standard, no photos), reads and
scores it in memory (no database: the stages timed are insight's own), then times, in this order:

* notes: collecting every note of the wave's counted audits;
* embed: the distinct texts of the notes, the encoder loaded for them included (as in production);
* tokens: the same texts' keyword tokens, jieba's dictionary cut to their characters included;
* themes: clustering, labelling and linking (`find_text_themes`);
* drivers: `wave_drivers` (dominance of sections, relative weights of items, 1,000 resamples each);
* embed (distinct): `--distinct N` texts that are all different (the worst case: no reuse of phrasing), for the
  per-text cost a network of free-written notes would pay.

    python benchmarks/bench_insight.py                  # 3,000 dealers
    python benchmarks/bench_insight.py --dealers 28     # about the size of the sample network
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from dealer_audit.core.aggregate import score_wave
from dealer_audit.core.driver_inputs import wave_drivers
from dealer_audit.core.themes import distinct_texts, find_text_themes
from dealer_audit.formats.audit_json import read_audit_file
from dealer_audit.formats.dealers import read_dealers
from dealer_audit.formats.standards import load_checklists_dir
from dealer_audit.services import themes as service
from dealer_audit.services.sample_network import generate_network

ROOT = Path(__file__).parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dealers", type=int, default=3000)
    parser.add_argument("--distinct", type=int, default=2000)
    args = parser.parse_args()
    standards, program = load_checklists_dir(ROOT / "checklists")
    assert program is not None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        generate_network(standards, program, args.dealers, 1, 42, out, visits=(1, 1), photos=False)
        wave = program.waves[0].code
        audits = [read_audit_file(p) for p in sorted((out / wave).glob("*.json"))]
        dealers = read_dealers(out / "dealers.csv")
        result = score_wave(program, {s.key: s for s in standards}, dealers, audits, wave, [])
        print(f"setup (generate, read, score {len(audits)} audits): {time.perf_counter() - started:.1f} s")

        def timed(label: str, call):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            value = call()
            print(f"{label}: {time.perf_counter() - t:.2f} s")
            return value

        notes = timed("notes", lambda: service.collect_notes(result, {a.audit_id: a for a in audits}))
        texts = distinct_texts(notes)
        print(f"  {len(notes):,} notes, {len(texts):,} distinct texts")
        vectors = timed("embed (model load included)", lambda: service.embed(texts))
        words = timed("tokens (dictionary load included)", lambda: service.keyword_tokens(texts))
        analysis = timed("themes", lambda: find_text_themes(notes, vectors, words, wave=wave))
        print(f"  {len(analysis.themes)} themes, {len(analysis.unknown_notes):,} unknown-issue notes")
        drivers = timed(
            "drivers (1,000 resamples per analysis)", lambda: wave_drivers(result, {s.key: s for s in standards})
        )
        for s in drivers.standards:
            print(f"  {s.standard_id}: sections refused={s.sections.refused}, items refused={s.items.refused}")
        rng = random.Random(7)
        bits = sorted({w for t in texts for w in t.replace("，", " ").replace("。", " ").split()})
        distinct = [f"{rng.choice(bits)} {rng.choice(bits)} #{k} {rng.choice(bits)}" for k in range(args.distinct)]
        t = time.perf_counter()
        service.embed(distinct)
        seconds = time.perf_counter() - t
        print(
            f"embed (distinct): {args.distinct:,} texts in {seconds:.2f} s "
            f"= {1000 * seconds / args.distinct:.2f} ms per text"
        )


if __name__ == "__main__":
    main()
