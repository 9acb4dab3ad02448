"""clean_observation: escape sequences stripped, other controls escaped, LF/TAB kept, O(n)."""

import time

import pytest

from toolgym.observations import clean_observation

CONTROLS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]]


def _no_raw_controls(text: str) -> bool:
    return not any(ch in text for ch in CONTROLS) and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def test_plain_text_is_returned_unchanged():
    for text in ["", "hello\nworld\tx", "漢字 テキスト é ü 🙂 \u00a0", "x" * 100_000]:
        assert clean_observation(text) is text or clean_observation(text) == text


@pytest.mark.parametrize("raw, clean", [
    ("\x1b[31mred\x1b[0m", "red"),  # SGR colours
    ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
    ("\x1b[?25l\x1b[1;31;4mx", "x"),  # private parameters, several parameters
    ("\x9b31mred", "red"),  # 8-bit CSI
    ("\x1b]0;pwned title\x07text", "text"),  # OSC ended by BEL
    ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ST-terminated
    ("\x9d0;title\x9cok", "ok"),  # 8-bit OSC and ST
    ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),  # DCS (sixel)
    ("\x1b_apc\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\z", "z"),  # APC, PM, SOS
    ("\x1bc\x1b7\x1b(Bx\x1b8", "x"),  # reset, save/restore cursor, charset
])
def test_escape_sequences_are_stripped(raw, clean):
    assert clean_observation(raw) == clean


@pytest.mark.parametrize("raw, clean", [
    ("a\x00b", "a\\x00b"),
    ("bell\x07", "bell\\x07"),
    ("over\rwrite", "over\\x0dwrite"),  # a lone CR could overwrite the line on a terminal
    ("back\x08space", "back\\x08space"),
    ("del\x7f", "del\\x7f"),
    ("c1\x85next line", "c1\\x85next line"),
    ("lone esc\x1b", "lone esc\\x1b"),
    ("\x1b[31", "31"),  # an unterminated CSI: "ESC [" is itself a two-byte escape and is stripped
    ("\x1b]0;unterminated title", "0;unterminated title"),
    ("bad \udcff surrogate", "bad \\udcff surrogate"),
    ("windows\r\nline", "windows\nline"),
    ("keep\ttab\nand newline", "keep\ttab\nand newline"),
])
def test_other_controls_are_escaped_visibly(raw, clean):
    assert clean_observation(raw) == clean


def test_stripping_cannot_assemble_a_new_sequence():
    # removing the inner CSI makes "ESC" and "[31m" adjacent: the ESC must not survive raw
    out = clean_observation("\x1b\x1b[0m[31mred")
    assert "\x1b" not in out and out == "\\x1b[31mred"


def test_every_control_character_is_handled_and_the_result_is_utf8_safe():
    text = "".join(chr(c) for c in range(0, 0x100)) + "\ud800\udfff" + "漢"
    out = clean_observation(text)
    assert _no_raw_controls(out)
    out.encode("utf-8")  # no lone surrogates left
    assert "\n" in out and "\t" in out


def test_idempotent_on_fuzzed_input():
    import random

    rng = random.Random(0)
    alphabet = ["\x1b", "[", "]", "\\", "\x07", "\x9b", "\x9c", "\x9d", "\x00", "\r", "\n", "\t", "m", "0",
                ";", "a", "漢", "\udc80", "P", "_", "\x7f"]
    for _ in range(2000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        out = clean_observation(raw)
        assert _no_raw_controls(out), repr(raw)
        assert clean_observation(out) == out, repr(raw)


def test_linear_on_adversarial_megabytes():
    """Generous bounds (timed targets live in benchmarks/bench_observations.py): no quadratic blow-up."""
    cases = [
        "\x1b[" + "0" * 1_000_000,  # a CSI that never ends
        "\x1b]" * 500_000,  # OSCs that never end
        "\x1b]" + "x" * 1_000_000,
        "\x00漢" * 500_000,
        "\x1b[31m" * 200_000,
    ]
    for text in cases:
        start = time.perf_counter()
        out = clean_observation(text)
        assert time.perf_counter() - start < 2.0
        assert _no_raw_controls(out)
