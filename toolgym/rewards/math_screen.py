"""Screening a math answer before it is compared: what counts as *one* answer, stated plainly.

A reward-hacking policy pays for the verifier's leniency: ``anything but 12``, ``\\neq 12``,
``12`` followed by U+0338, ``lambda: 12``, ``\\boxed{11} or \\boxed{12}``. The screen therefore works
by allow-list, not by a list of bad words: :func:`screen` returns the answer's candidates (one per
``\\boxed{}``, else the answer itself) with a small set of harmless wrappers removed, or ``None`` when
the answer says anything beyond one mathematical object. The rules, each a way to be refused:

* characters: printable ASCII plus a few math symbols (``−×÷·√π∞°€£¥``); combining marks
  (U+0338 "not") and other symbols (``≠ ≈ ±``) only where the gold itself has them;
* outside ``\\boxed{}``: only spaces, ``$``, punctuation and the lead-in words of :data:`LEAD_WORDS`;
* a leading ``the final answer is`` / ``Answer:`` and one ``x =`` are dropped; trailing units of
  :data:`UNITS` (``12 cm``, ``12 \\text{ dollars}``) and degree signs are dropped;
* words: every remaining run of letters must be a math word (``sqrt``, ``sin``, ``pi``...), a word of
  the gold, or a product of the gold's variables (``xy``) that is not an English word of
  :data:`HEDGE_WORDS`;
* LaTeX commands: structure and symbols only (``\\frac``, ``\\sqrt``, ``\\pi``, ``\\cdot``...); a relation
  or modifier (``\\neq``, ``\\le``, ``\\pm``, ``\\approx``, ``\\in``...) or ``:`` / ``;`` / ``!=`` only where
  the gold has one;
* relations ``= < >`` only where the gold has one.
"""

from __future__ import annotations

import re
import unicodedata

from toolgym.parsers.answers import box_spans, extract_boxed

#: Longest answer screened; longer answers are refused.
MAX_ANSWER_CHARS = 1000

_ALLOWED_UNICODE = frozenset("−×÷·√π∞°€£¥≤≥")
#: Lead-in words allowed around a ``\\boxed{}`` inside one answer.
LEAD_WORDS = frozenset(["the", "final", "answer", "is", "so", "thus", "hence", "therefore"])
_LEAD_RE = re.compile(
    r"^\s*(?:(?:the\s+)?(?:final\s+)?answer\s*(?:is\b)?\s*[:=]?|therefore\s*,?|thus\s*,?|so\s*,?)\s*",
    re.IGNORECASE,
)
ASSIGN_RE = re.compile(r"^\s*[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\([^()=<>]*\))?\s*=(?!=)\s*")
#: Units dropped from the end of an answer (words compared case-sensitively, ``\text{}`` unwrapped).
UNITS = frozenset(
    """
    cm mm km m kg g mg l L ml mL s sec secs second seconds min mins minute minutes h hr hrs hour
    hours day days week weeks month months year years ft foot feet in inch inches yd yard yards
    mi mile miles lb lbs pound pounds oz ounce ounces mph kph km/h m/s cents cent dollar dollars
    USD euro euros degree degrees deg rad radian radians meter meters metre metres centimeter
    centimeters kilometer kilometers gram grams kilogram kilograms liter liters litre litres
    units unit square cubic sq cu people persons items ways
    """.split()  # noqa: SIM905
)
_GLUE_POWER_RE = re.compile(r"\s*\^\s*(?:\{\s*([23])\s*\}|([23])(?![\d.]))")
_POWER_SUFFIX_RE = re.compile(r"\^[23]$")
_ATTACHED_UNIT_RE = re.compile(r"(?<=[\d.])([A-Za-z]+(?:/[A-Za-z]+)?)$")
_DEGREE_RE = re.compile(r"\s*(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree)\s*$")
#: Words that are never variable products, whatever the gold's letters.
HEDGE_WORDS = frozenset(
    """
    not no non nor never none neither either or and but except unless if iff then else when
    maybe may might perhaps probably possibly likely approx approximately about around roughly
    nearly almost circa wrong false incorrect true correct yes also plus minus any anything all
    other than is are be was isn ain lambda def return print let where with without only
    """.split()  # noqa: SIM905
)
#: Multi-letter words read as math.
MATH_WORDS = frozenset(
    """
    sqrt sin cos tan cot sec csc arcsin arccos arctan sinh cosh tanh log ln lg exp pi inf infty
    oo mod gcd lcm max min det percent percentage pct
    """.split()  # noqa: SIM905
)
#: LaTeX commands that only build or name a mathematical object.
SAFE_COMMANDS = frozenset(
    r"""
    \frac \dfrac \tfrac \cfrac \sqrt \cdot \times \div \pi \infty \left \right \big \Big \bigg
    \Bigg \sin \cos \tan \cot \sec \csc \arcsin \arccos \arctan \sinh \cosh \tanh \log \ln \lg
    \exp \alpha \beta \gamma \delta \epsilon \varepsilon \theta \vartheta \kappa \mu \nu \xi
    \rho \sigma \tau \phi \varphi \chi \psi \omega \Gamma \Delta \Theta \Lambda \Xi \Pi \Sigma
    \Phi \Psi \Omega \lambda \eta \zeta \iota \binom \dbinom \tbinom \choose \mathbb \mathrm
    \mathbf \mathit \text \textrm \textnormal \operatorname \circ \degree \prime \quad \qquad
    \displaystyle \mid \vert \lvert \rvert \lfloor \rfloor \lceil \rceil \langle \rangle
    \overline \bar \hat \vec \sum \prod \int \lim \boxed \fbox \mod \bmod \pmod \gcd \lcm \max
    \min \det \emptyset \varnothing \R \Z \N \Q \C
    """.split()  # noqa: SIM905
)
RELATION_CHARS_RE = re.compile(r"[<>=≤≥]")
#: Order relations: allowed in an answer whenever the gold is itself a relation.
RELATION_COMMANDS = frozenset([r"\le", r"\leq", r"\ge", r"\geq", r"\lt", r"\gt", r"\leqslant", r"\geqslant"])
#: Characters that change what a bare number claims, allowed only where the gold has them.
_GOLD_ONLY_CHARS = (":", ";", "?", "!=", "/=", "=/=", "\\\\", "&", "@", "#", "~", "`", '"')
_COMMAND_RE = re.compile(r"\\[A-Za-z]+|\\.")
_WORD_RE = re.compile(r"[A-Za-z]+")
_TEXT_RE = re.compile(r"\\(?:text|textrm|textbf|textnormal|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")


_SIMPLE_REPLACEMENTS = (
    ("\\dfrac", "\\frac"),
    ("\\tfrac", "\\frac"),
    ("\\%", "%"),
    ("\\$", "$"),
    ("{,}", ""),
    ("\\!", ""),
    ("\\,", ""),
    ("\\;", " "),
    ("\\:", " "),
    ("\\ ", " "),
    ("\\displaystyle", ""),
    ("\\[", " "),
    ("\\]", " "),
    ("\\(", " "),
    ("\\)", " "),
)
_THOUSANDS_BANG_RE = re.compile(r"(?<=\d),\\!\s*(?=\d{3}(?!\d))")
_UNICODE_OPERATORS = (("\u2212", "-"), ("×", "\\times "), ("÷", "\\div "), ("·", "\\cdot "))
_LEFT_RIGHT_RE = re.compile(r"\\(?:left|right)(?![A-Za-z])")


def clean_latex(s: str) -> str:
    """Cheap LaTeX and prose clean-up: drop ``$``, ``\\left``, ``\\right`` and spacing commands;
    unwrap ``\\text{}``; ``\\dfrac`` is ``\\frac``; U+2212 is ``-``."""
    s = s.strip()
    if "\\" in s or "{," in s:
        if ",\\!" in s:  # 11,\! 111 is a thousands separator
            s = _THOUSANDS_BANG_RE.sub(",", s)
        for old, new in _SIMPLE_REPLACEMENTS:
            if old in s:
                s = s.replace(old, new)
        if "\\left" in s or "\\right" in s:
            s = _LEFT_RIGHT_RE.sub("", s)
        if "{" in s:
            s = _TEXT_RE.sub(r" \1 ", s)
    if "$" in s:
        s = s.replace("$", " ")
    for old, new in _UNICODE_OPERATORS:
        if old in s:
            s = s.replace(old, new)
    return s.strip()


def _has_relation(s: str) -> bool:
    if RELATION_CHARS_RE.search(s):
        return True
    return any(c not in SAFE_COMMANDS for c in _COMMAND_RE.findall(s) if c[1:].isalpha())


def _odd_chars_ok(s: str, gold: str) -> bool:
    for ch in set(s):
        if ch.isascii():
            if not (ch.isprintable() or ch in "\t\n\r"):
                return False
        elif ch not in _ALLOWED_UNICODE and ch not in gold or unicodedata.combining(ch) and ch not in gold:
            return False
    return True


def _gold_words(gold: str) -> tuple[set[str], set[str]]:
    words = {w.lower() for w in _WORD_RE.findall(_COMMAND_RE.sub(" ", gold))}
    letters = {w for w in words if len(w) == 1}
    return words, letters


def _strip_wrappers(s: str, gold_has_relation: bool, gold_letters: set[str]) -> str:
    """Drop ``\\text{}`` wrappers, a lead-in, one ``x =``, trailing units, degrees and a period."""
    s = clean_latex(s)
    for _ in range(3):
        s = s.rstrip().rstrip(".").rstrip()
        m = _LEAD_RE.match(s)
        if m and m.end() > 0:
            s = s[m.end() :]
    if not gold_has_relation:
        m = ASSIGN_RE.match(s)
        if m:
            s = s[m.end() :]
    s = _strip_units(_DEGREE_RE.sub("", s), gold_letters)
    return _DEGREE_RE.sub("", s).rstrip().rstrip(".").strip()


def _is_unit(word: str, gold_letters: set[str]) -> bool:
    word = _POWER_SUFFIX_RE.sub("", word)
    parts = word.split("/")
    return all(
        (p in UNITS or p.lower() in UNITS) and p.isalpha() and p.lower() not in gold_letters for p in parts
    )


def _strip_units(s: str, gold_letters: set[str]) -> str:
    """Drop trailing unit words (``12 cm``, ``12 km/h``, ``12 m^2``, ``12cm``); never the whole answer.

    Works on whitespace-split tokens, from the end: linear time whatever the input."""
    tokens = _GLUE_POWER_RE.sub(lambda m: "^" + (m.group(1) or m.group(2)), s).split()
    while len(tokens) > 1 and _is_unit(tokens[-1], gold_letters):
        tokens.pop()
    if tokens:
        m = _ATTACHED_UNIT_RE.search(tokens[-1])
        if m and m.start() > 0 and _is_unit(m.group(1), gold_letters):
            tokens[-1] = tokens[-1][: m.start()]
    return " ".join(tokens)


def _core_ok(s: str, gold: str, gold_words: set[str], gold_letters: set[str]) -> bool:
    if not s:
        return False
    for token in _GOLD_ONLY_CHARS:
        if token in s and token not in gold:
            return False
    gold_relation = _has_relation(gold)
    if RELATION_CHARS_RE.search(s) and not gold_relation:
        return False
    gold_commands = set(_COMMAND_RE.findall(gold))
    if gold_relation:
        gold_commands |= RELATION_COMMANDS
    for cmd in _COMMAND_RE.findall(s):
        if cmd[1:].isalpha():
            if cmd not in SAFE_COMMANDS and cmd not in gold_commands:
                return False
        elif cmd not in ("\\{", "\\}", "\\,", "\\!", "\\;", "\\:", "\\ ", "\\%", "\\$", "\\\\"):
            if cmd not in gold:
                return False
    for word in _WORD_RE.findall(_COMMAND_RE.sub(" ", s)):
        w = word.lower()
        if len(w) == 1 or w in MATH_WORDS or w in gold_words:
            continue
        if w in HEDGE_WORDS or not set(w) <= gold_letters:
            return False
    return True


def screen(answer: str, gold: str, _depth: int = 0) -> list[str] | None:
    """The candidates ``answer`` puts forward for ``gold``, or None when it is refused.

    >>> screen(r"The answer is \\boxed{12}.", "12")
    ['12']
    >>> screen("anything but 12", "12") is None
    True
    """
    if not isinstance(answer, str) or not isinstance(gold, str) or len(answer) > MAX_ANSWER_CHARS:
        return None
    if not answer.strip() or not _odd_chars_ok(answer, gold):
        return None
    spans = box_spans(answer)
    if spans:
        if _depth > 3:
            return None
        outside = "".join(
            answer[a:b] for a, b in zip([0] + [e for _, e in spans], [s for s, _ in spans] + [len(answer)])
        )
        words = {w.lower() for w in _WORD_RE.findall(outside)}
        if not words <= LEAD_WORDS or re.search(r"[^\sA-Za-z$.,:;]", outside):
            return None
        out: list[str] = []
        for box in extract_boxed(answer):
            inner = screen(box, gold, _depth + 1)
            if inner is None:
                return None
            out.extend(inner)
        return out or None
    gold_words, gold_letters = _gold_words(gold)
    core = _strip_wrappers(answer, _has_relation(gold), gold_letters)
    if not _core_ok(core, gold, gold_words, gold_letters):
        return None
    return [core]
