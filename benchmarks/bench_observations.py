"""``clean_observation`` cost on 1 MB observations: clean text vs text full of control sequences.

It runs on every step, so clean text (the common case) must cost about one scan. The baseline,
measured in the same run, is the naive version: one ``re.sub`` that deletes every control character
and CSI/OSC sequence (no escaping, no fast path). Prints the median of repeats in ms per MB and the
ratio to the baseline.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from toolgym.observations import clean_observation

_NAIVE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")

MB = 1_000_000
CASES = {
    "clean ASCII": ("The quick brown fox jumps over the lazy dog.\n" * (MB // 45 + 1))[:MB],
    "clean CJK/emoji": ("漢字テキスト🙂 and ascii\n" * (MB // 20 + 1))[:MB],
    "ANSI colours": ("\x1b[31mred\x1b[0m text\n" * (MB // 19 + 1))[:MB],
    "NUL every 3rd char": ("\x00ab" * (MB // 3 + 1))[:MB],
    "NUL + CJK": ("\x00漢字" * (MB // 3 + 1))[:MB],
    "unterminated CSI": "\x1b[" + "0" * (MB - 2),
}


def _median_ms(fn, text: str, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main(argv: list[str] | None = None) -> dict[str, tuple[float, float]]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=11)
    args = ap.parse_args(argv)
    res = {}
    print(f"{'1 MB of':22s} {'clean ms':>9s} {'naive ms':>9s} {'ratio':>6s}")
    for name, text in CASES.items():
        clean = _median_ms(clean_observation, text, args.repeats)
        base = _median_ms(lambda t: _NAIVE.sub("", t), text, args.repeats)
        res[name] = (clean, base)
        print(f"{name:22s} {clean:9.2f} {base:9.2f} {clean / base:6.2f}")
    return res


if __name__ == "__main__":
    main()
