"""Clean observations: what a tool printed, made safe to show a model, a log or a terminal.

Tool output is whatever the policy's code (or a database, or a web page) wrote. Raw, it can carry
NUL bytes (which break C-string consumers and some tokenizers), terminal control sequences (which
recolour, move the cursor, retitle or clear the terminal of whoever reads a transcript, and can
hide text from a human reviewer) and lone surrogates (which make ``str.encode("utf-8")`` raise in
a logger or tokenizer). :func:`clean_observation` applies one rule, in a single O(n) pass:

**Kept as is**: every printable character, ``\\n`` (LF) and ``\\t`` (TAB).

**Stripped** (removed with everything they contain): complete terminal escape sequences, in their
7-bit (``ESC ...``) and 8-bit C1 (``U+0080``-``U+009F``) forms:

- CSI: ``ESC [`` or ``U+009B``, parameter bytes ``0-?``, intermediate bytes `` -/``, a final byte
  ``@-~`` (colours ``\\x1b[31m``, cursor moves, screen clears);
- control strings: OSC (``ESC ]``/``U+009D``: window titles, hyperlinks), DCS (``ESC P``/``U+0090``),
  SOS (``ESC X``/``U+0098``), PM (``ESC ^``/``U+009E``) and APC (``ESC _``/``U+009F``), up to their
  terminator BEL, ``ESC \\`` or ``U+009C``;
- other escape sequences: ``ESC``, intermediate bytes `` -/``, a final byte ``0-~``
  (``ESC c`` reset, ``ESC 7`` save cursor, ``ESC ( B`` charset).

**Normalized**: ``\\r\\n`` becomes ``\\n``.

**Escaped** (replaced by visible text, so that the model still sees that something was there):
every other C0 control (``U+0000``-``U+001F`` but LF and TAB: NUL, a lone ``\\r``, backspace, bell,
a lone or unterminated ``ESC``...), DEL (``U+007F``) and C1 control (``U+0080``-``U+009F``) becomes
``\\xNN`` (a backslash, ``x`` and two lower-case hex digits: NUL is ``\\x00``); a lone surrogate
(``U+D800``-``U+DFFF``) becomes ``\\uNNNN``. An escape is indistinguishable from the same
characters printed literally; that is the point of showing it as text.

Not changed: other Unicode format characters (bidirectional overrides, zero-width spaces).

Cost, O(n): text with no control character is returned unchanged after one scan (about 0.4 ms
per MB of ASCII, 3 ms per MB of other text, on this project's machine); otherwise two passes
(tens of ms per MB of adversarial text, such as a NUL every third character). Measured by
``python benchmarks/bench_observations.py``; numbers in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import re

_C1_STRING_START = "\x90\x98\x9d\x9e\x9f"
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI
    rf"|(?:\x1b[\]PX^_]|[{_C1_STRING_START}])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # other escape sequences
)
_ESCAPED = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]
_ANY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ASCII_CONTROLS = bytes(c for c in _ESCAPED if c < 0x80)
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _ESCAPED}


def _escape(match: re.Match[str]) -> str:
    return _TABLE[ord(match.group())]


def _has_controls(text: str) -> bool:
    if text.isascii():  # the common case: a C-speed byte scan
        return len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) != len(text)
    return _ANY.search(text) is not None


def clean_observation(text: str) -> str:
    """``text`` with terminal escape sequences stripped and other control characters escaped.

    LF and TAB are kept; ``\\r\\n`` becomes ``\\n``; the full rule is in the module docstring.
    Idempotent: cleaning a cleaned text changes nothing.

    >>> clean_observation("\\x1b[31mred\\x1b[0m and NUL:\\x00 bell:\\x07\\r\\nok\\tdone")
    'red and NUL:\\\\x00 bell:\\\\x07\\nok\\tdone'
    """
    if not _has_controls(text):
        return text
    # 1. strip whole sequences; 2. CRLF -> LF; 3. escape every control character left (a lone ESC
    # included), so no raw control survives, even one that stripping made adjacent to a "[".
    text = _SEQUENCE.sub("", text).replace("\r\n", "\n")
    if text.isascii():
        return text.translate(_TABLE)
    return _ANY.sub(_escape, text)
