"""ScriptedUser: answers from hidden facts, confirms or refuses, stops when done, deterministic."""

import pytest

from toolgym.errors import TaskValidationError
from toolgym.tasks import Task
from toolgym.users import ScriptedUser, StopSignal, make_user


def task(confirm=True, goals=(("cancelled",),), outputs=("45.20",), patience=3, nudges=("Please cancel #W1.",)):
    return Task.from_dict({
        "id": "t", "env": "test", "question": "Hi, I want to cancel an order.", "split": "test", "tools": [],
        "gold": {"actions": [], "outputs": list(outputs), "user": {
            "instruction": "Cancel order #W1.", "confirm": confirm, "patience": patience, "nudges": list(nudges),
            "goals": [list(g) for g in goals],
            "facts": [{"say": "My email is a@b.com.", "when": ["email"]},
                      {"say": "It's order #W1.", "when": ["which order", "order id"]}]}},
        "reference": {"turns": [{"answer": "x"}]},
    })


def fresh(**kw) -> ScriptedUser:
    user = ScriptedUser()
    assert user.reset(task(**kw)) == "Hi, I want to cancel an order."
    return user


def test_answers_only_what_is_asked():
    user = fresh()
    assert user.respond("Could you tell me your email?").text == "My email is a@b.com."
    both = user.respond("Thanks. Which order is it? And what is your email again?")
    assert both.text == "It's order #W1. My email is a@b.com." and not both.done
    # a statement that mentions the words is not a question
    assert user.respond("I will look up the order id now.").text == "Please cancel #W1."


def test_confirms_or_refuses_as_scripted():
    assert fresh().respond("Shall I cancel it? Please confirm (yes/no).").text == "Yes, please go ahead."
    no = fresh(confirm=False).respond("Do you want me to proceed?")
    assert no.text.startswith("No") and not no.done


def test_confirm_wording_that_names_a_known_fact_is_a_decision():
    user = fresh()
    assert user.respond("Could you confirm your email?").text == "My email is a@b.com."  # a fact request
    assert user.respond("Should I cancel order #W1 for a@b.com, do you confirm your email is right?").text == \
        "Yes, please go ahead."


def test_stops_once_goals_and_outputs_were_heard():
    user = fresh()
    first = user.respond("Your refund will be $45.20.")
    assert not first.done and not user.satisfied  # the goal cue is still missing
    done = user.respond("Order #W1 has been cancelled. Anything else I can help you with?")
    assert done.stop is StopSignal.STOP and StopSignal.STOP.value in done.text


def test_output_must_be_said_too():
    user = fresh()
    assert not user.respond("Order #W1 has been cancelled.").done
    assert user.respond("You get $45.20 back.").stop is StopSignal.STOP


def test_gives_up_after_patience():
    user = fresh(patience=3)
    assert [user.respond("Hmm.").stop for _ in range(3)] == [None, None, StopSignal.STOP]


def test_unanswerable_question_at_the_limit_is_out_of_scope():
    user = fresh(patience=2)
    user.respond("Hello.")
    assert user.respond("What is your favourite colour?").stop is StopSignal.OUT_OF_SCOPE


def test_answering_resets_patience():
    user = fresh(patience=2)
    user.respond("Hmm.")
    user.respond("What is your email?")
    assert user.respond("Hmm.").stop is None


def test_accepts_a_transfer():
    turn = fresh().respond("I am transferring you to a human agent now.")
    assert turn.stop is StopSignal.TRANSFER


def test_deterministic():
    messages = ["Hi!", "What is your email?", "Do you confirm (yes/no)?", "???", "Cancelled, $45.20 refunded."]
    runs = [[fresh().respond(m) for m in messages] for _ in range(2)]
    assert runs[0] == runs[1]


def test_bad_scripts_are_task_errors():
    bad = Task.from_dict({"id": "b", "env": "x", "question": "q", "split": "test", "tools": [],
                          "gold": {"user": {"instruction": "i", "goals": [[]]}}, "reference": {"turns": [{"answer": "a"}]}})
    with pytest.raises(TaskValidationError, match="goal"):
        ScriptedUser().reset(bad)
    none = Task.from_dict({"id": "n", "env": "x", "question": "q", "split": "test", "tools": [],
                           "reference": {"turns": [{"answer": "a"}]}})
    with pytest.raises(TaskValidationError, match="instruction"):
        ScriptedUser().reset(none)


def test_make_user():
    assert isinstance(make_user("scripted"), ScriptedUser)
    with pytest.raises(ValueError, match="user_config"):
        make_user("llm")
    with pytest.raises(ValueError):
        make_user("telepathic")


# --- cost: a step is O(one message), never O(history) (issue 12, item 5) ---------------------------

def _count_text_work(monkeypatch):
    """Spy (the real functions still run) on the characters the user normalizes and scans per call."""
    import toolgym.users.scripted as scripted
    import toolgym.users.text as text

    work = {"chars": 0}
    real_normalize, real_contains = text.normalize, scripted.contains

    def normalize(s):
        work["chars"] += len(s)
        return real_normalize(s)

    def contains(s, pattern):
        work["chars"] += len(s)
        return real_contains(s, pattern)

    monkeypatch.setattr(text, "normalize", normalize)
    monkeypatch.setattr(scripted, "contains", contains)
    return work


def test_a_short_step_after_megabytes_of_history_reads_only_itself(monkeypatch):
    user = fresh(patience=1000)
    for i in range(10):  # 10 MB of history, including the slow shapes fuzzing found
        user.respond("1,234 word. " * 90_000 if i % 2 else "? " * 500_000)
    work = _count_text_work(monkeypatch)
    action = "Let me look into that for you, one moment please while I check the records. " + "ok" * 12
    assert len(action) == 100
    turn = user.respond(action)
    assert not turn.done
    # the message is read once per helper (normalize, a handful of goal/output checks): no history
    assert 0 < work["chars"] <= 10 * len(action)


def test_one_huge_message_costs_at_most_the_read_limit(monkeypatch):
    from toolgym.users.text import READ_LIMIT

    user = fresh(patience=1000)
    work = _count_text_work(monkeypatch)
    user.respond("? " * 5_000_000)  # 10 MB in one message
    assert work["chars"] <= 10 * READ_LIMIT


def test_the_user_reads_only_the_head_of_a_wall_of_text():
    from toolgym.users.text import READ_LIMIT

    user = fresh()
    filler = "Some filler text. " * (READ_LIMIT // 10)
    # the email question after the read limit is not seen; the same question before it is
    assert user.respond(filler + "What is your email?").text == "Please cancel #W1."
    assert user.respond("What is your email? " + filler).text == "My email is a@b.com."
    # goals and outputs heard past the read limit do not count either
    assert not user.respond(filler + "Order #W1 has been cancelled, $45.20 refunded.").done
    assert user.respond("Order #W1 has been cancelled, $45.20 refunded.").stop is StopSignal.STOP


def test_step_time_is_flat_in_history_loosely():
    """Generous bound (the timed target lives in benchmarks/bench_users.py): before the fix this took seconds."""
    import statistics
    import time

    def median_step(user, message="Let me check that for you.", n=21):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            user.respond(message)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    first = median_step(fresh(patience=10_000))
    user = fresh(patience=10_000)
    for _ in range(49):
        user.respond("What is your email? " + "x " * 10_700)  # ~1 MB over 49 turns
    assert median_step(user) < 20 * first + 0.005
