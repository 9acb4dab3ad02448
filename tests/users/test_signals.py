"""Stop signals and the shared text matching."""

import pytest

from toolgym.users import StopSignal, find_signal, mentions, normalize
from toolgym.users.text import request_sentences


def test_find_signal_takes_the_first_marker():
    assert find_signal("Thanks! ###STOP###") is StopSignal.STOP
    assert find_signal("###TRANSFER### then ###STOP###") is StopSignal.TRANSFER
    assert find_signal("no idea ###OUT-OF-SCOPE###") is StopSignal.OUT_OF_SCOPE
    assert find_signal("stop talking") is None


def test_normalize():
    assert normalize("  It\u2019s  $1,234.50\nOK ") == "it's $1234.50 ok"


@pytest.mark.parametrize("text, phrase, expected", [
    ("Refund of $45.20 issued", "45.20", True),
    ("Refund of $45.2 issued", "45.20", False),
    ("Total: $1,234.50", "1234.50", True),
    ("There are 4 options", "4", True),
    ("There are 14 options", "4", False),
    ("rated 4.5 stars", "4", False),
    ("version 2.4", "4", False),
    ("a certificate of $200", "200.00", True),
    ("a certificate of $200.50", "200.00", False),
    ("Reservation b00128 is booked", "B00128", True),
    ("anything", "", False),
])
def test_mentions(text, phrase, expected):
    assert mentions(text, phrase) is expected


def test_request_sentences():
    text = "Your order was cancelled. Could you tell me your email? Please note the fee. Thanks!"
    assert request_sentences(text) == ["could you tell me your email?", "please note the fee."]


def test_read_takes_the_normalized_head_cut_at_a_word():
    from toolgym.users.text import read

    assert read("Hello  World") == "hello world"
    assert read("alpha beta gamma", limit=8) == "alpha"  # "beta" would be cut in half: dropped
    assert read("alpha beta gamma", limit=11) == "alpha beta"  # the cut falls on a space
    assert read("x" * 50, limit=10) == "x" * 10  # no whitespace: cut at the limit
    assert read("ab", limit=10) == "ab"


def test_phrase_pattern_matches_like_mentions():
    from toolgym.users.text import contains, phrase_pattern

    pattern = phrase_pattern("200.00")
    assert contains("a certificate of $200", pattern) and not contains("$200.50", pattern)
    assert phrase_pattern("  ") is None and not contains("anything", None)
