"""The conformance kit: what every ToolGym env must do, checked on a real env in a few episodes.

Like Gymnasium's ``check_env``, for the ToolGym contract. Each check takes a ``make`` callable
(``make(**kwargs) -> gym.Env``, e.g. ``functools.partial(gym.make, "ToolGym/Custom-v0")``) and raises
:class:`ConformanceError` with what broke; :func:`check_conformance` runs them all and reports every
failure at once.

* ``check_env``: Gymnasium's checker passes with no warnings, in text and in chat mode.
* ``determinism``: the same seed draws the same task and prompt; the same actions give the same
  observations and rewards.
* ``fuzz``: malformed, hostile and oversized actions never make ``step`` raise; every step's ``info``
  has the standard keys and a finite reward, and none is blamed on the infrastructure
  (``infra_error``): blame is by cause, and the policy must not be able to choose it.
* ``reference``: replaying a task's reference trajectory scores 1.0 (tasks without one are skipped).
* ``null_agent``: an agent that never calls a tool and answers nothing is paid 0.
* ``token_drift``: in token mode (with a tokenizer built locally by
  :func:`toolgym.tokens.build_local_tokenizer`) the reference replay shows no unexplained drift;
  skipped when ``transformers``/``tokenizers`` are not installed.

>>> import functools, gymnasium as gym, toolgym
>>> report = check_conformance(functools.partial(gym.make, "ToolGym/Custom-v0"), episodes=2, tokens=False)
>>> report.ok, sorted(report.passed)
(True, ['check_env', 'determinism', 'fuzz', 'null_agent', 'reference'])
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from toolgym.env import ToolEnv
from toolgym.errors import ToolGymError
from toolgym.tasks import Task
from toolgym.types import ToolCall

Make = Callable[..., gym.Env[Any, Any]]

#: ``info`` keys every step must carry (:mod:`toolgym.info`).
STEP_KEYS = ("task_id", "turn", "tool_calls", "reward_components", "format_ok", "error", "error_message", "end_reason")
#: Gymnasium's warning for an env built without ``gym.make`` (an uninstalled plugin): not a fault of the env.
NO_SPEC = "environment not having a spec"
#: The checks :func:`check_conformance` runs, in order.
CHECKS = ("check_env", "determinism", "fuzz", "reference", "null_agent", "token_drift")


class ConformanceError(ToolGymError, AssertionError):
    """Raised when an env breaks the ToolGym contract; the message says which rule and where."""


@dataclass
class ConformanceReport:
    """Outcome of :func:`check_conformance`: passed checks, failures (with messages), skips (with reasons)."""

    passed: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def raise_for_failures(self) -> None:
        """Raise one :class:`ConformanceError` listing every failed check."""
        if self.failures:
            raise ConformanceError("; ".join(f"{k}: {v}" for k, v in self.failures.items()))


class Skip(Exception):
    """A check that cannot run here (its message says why)."""


@contextmanager
def _made(make: Make, **kwargs: Any) -> Iterator[gym.Env[Any, Any]]:
    env = make(**kwargs)
    try:
        yield env
    finally:
        env.close()


def _base(env: gym.Env[Any, Any]) -> ToolEnv:
    base = env.unwrapped
    if not isinstance(base, ToolEnv):
        raise ConformanceError(f"the env is a {type(base).__name__}, not a toolgym.ToolEnv")
    return base


def _with_reference(base: ToolEnv, n: int) -> list[Task]:
    return [t for t in base.tasks if t.reference][:n]


def reference_actions(base: ToolEnv, task: Task) -> list[str]:
    """The task's reference turns written in the env's action format."""
    return [
        base.parser.render_action([ToolCall(c.name, dict(c.arguments)) for c in t.tool_calls], answer=t.answer, thought=t.thought)
        for t in task.reference
    ]


def check_gym_checker(make: Make) -> None:
    """Gymnasium's ``check_env`` passes with no warnings, in text mode and in chat mode."""
    from gymnasium.utils.env_checker import check_env

    for mode in ("text", "chat"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with _made(make, **({"mode": "chat"} if mode == "chat" else {})) as env:
                try:
                    check_env(env.unwrapped, skip_render_check=False)
                except Exception as exc:
                    raise ConformanceError(f"{mode} mode: check_env failed: {exc}") from exc
        messages = [str(w.message) for w in caught
                    if not issubclass(w.category, (DeprecationWarning, ResourceWarning)) and NO_SPEC not in str(w.message)]
        if messages:
            raise ConformanceError(f"{mode} mode: check_env warned: {messages[0]}")


def check_determinism(make: Make, seeds: Sequence[int] = (0, 1, 2)) -> None:
    """Same seed, same task and prompt; same actions, same observations and rewards (two fresh envs)."""
    with _made(make) as a, _made(make) as b:
        for seed in seeds:
            (obs_a, info_a), (obs_b, info_b) = a.reset(seed=seed), b.reset(seed=seed)
            if obs_a != obs_b or info_a.get("task_id") != info_b.get("task_id"):
                raise ConformanceError(f"reset(seed={seed}) gave different tasks or prompts in two envs")
            actions = reference_actions(_base(a), _base(a).task) or ["<answer>0</answer>"]
            for action in actions:
                out_a, out_b = a.step(action)[:4], b.step(action)[:4]
                if out_a != out_b:
                    raise ConformanceError(f"seed {seed}: the same action gave different results: {action[:80]!r}")
                if out_a[2] or out_a[3]:
                    break


def fuzz_actions(base: ToolEnv, rng: random.Random, n: int) -> list[Any]:
    """Hostile actions for ``base``: broken calls, unknown tools, wrong argument types, huge or odd
    text, and malformed assistant messages (``step`` takes those in every mode)."""
    names = list(base.tools) or ["nothing"]
    fixed = [
        "", " ", "\x00", "<tool_call>", "<tool_call>{not json}</tool_call>", "<tool_call>[]</tool_call>",
        '<tool_call>{"name": "no_such_tool", "arguments": {}}</tool_call>', "<answer></answer>",
        "<answer><answer>1</answer></answer>", "</answer>" * 3, "x" * 200_000, "é✓🙂\u200b" * 50,
        "```python\nimport os; os._exit(3)\n```", "<search></search><sql></sql><code></code>",
    ]
    for name in names:
        fixed += [
            base.parser.render_action([ToolCall(name, {})]),
            base.parser.render_action([ToolCall(name, {"__bogus__": [1, {"x": None}]})]),
            f'<tool_call>{{"name": "{name}", "arguments": "not an object"}}</tool_call>',
            f'<tool_call>{{"name": "{name}", "arguments": {{"a": 1e308, "b": -1}}}}</tool_call>',
        ]
    messages: list[Any] = [
        {}, {"content": None}, {"role": "assistant", "content": 7}, {"content": "", "tool_calls": "nope"},
        {"content": "", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": names[0], "arguments": "{bad"}}]},
        {"content": "", "tool_calls": [{"function": {"name": "no_such_tool", "arguments": {}}}, None, 3]},
    ]
    while len(fixed) < n:
        a, b = rng.sample(fixed, 2)
        fixed.append(a[: rng.randint(0, len(a))] + b[rng.randint(0, len(b)) :])
    rng.shuffle(fixed)
    return messages + fixed[: max(n - len(messages), 0)]


def _short(action: Any) -> str:
    return repr(action[:80] if isinstance(action, str) else action)[:120]


def check_fuzz(make: Make, steps: int = 40, seed: int = 0) -> None:
    """``step`` never raises on policy input; ``info`` keeps its keys; rewards stay finite."""
    rng = random.Random(seed)
    with _made(make) as env:
        base = _base(env)
        env.reset(seed=seed)
        for action in fuzz_actions(base, rng, steps):
            try:
                _, reward, terminated, truncated, info = env.step(action)
            except Exception as exc:
                raise ConformanceError(f"step raised {type(exc).__name__} on action {_short(action)}: {exc}") from exc
            missing = [k for k in STEP_KEYS if k not in info]
            if missing:
                raise ConformanceError(f"info lacks {missing} after action {_short(action)}")
            if not math.isfinite(float(reward)):
                raise ConformanceError(f"reward {reward} after action {_short(action)}")
            if info["error"] not in (None, "tool_error"):
                # blame is by cause: nothing the policy writes may be blamed on the infrastructure
                raise ConformanceError(f"policy input was blamed as {info['error']!r}: {_short(action)}: {info.get('error_message')}")
            if terminated or truncated:
                env.reset(seed=rng.randint(0, 10**6))


def check_reference(make: Make, episodes: int = 3) -> None:
    """Replaying the reference trajectory of the first ``episodes`` tasks that have one scores 1.0."""
    with _made(make) as env:
        base = _base(env)
        tasks = _with_reference(base, episodes)
        if not tasks:
            raise Skip("no task has a reference trajectory")
        for task in tasks:
            env.reset(options={"task_id": task.id})
            reward, done = 0.0, False
            for action in reference_actions(base, task):
                _, reward, terminated, truncated, info = env.step(action)
                done = terminated or truncated
                if done:
                    break
            if not done or reward != 1.0:
                raise ConformanceError(
                    f"task {task.id!r}: the reference replay scored {reward} (ended: {done}; info: {info.get('reward_components')})"
                )


def check_null_agent(make: Make, episodes: int = 3, seed: int = 0) -> None:
    """An agent that never calls a tool and answers nothing is paid 0 on every episode."""
    with _made(make) as env:
        for i in range(episodes):
            env.reset(seed=seed + i)
            reward, done, turns = 0.0, False, 0
            while not done and turns < 200:
                _, reward, terminated, truncated, _ = env.step("")
                done, turns = terminated or truncated, turns + 1
            if reward != 0.0:
                raise ConformanceError(f"the null agent was paid {reward} on episode {i} (task {_base(env).task.id!r})")


def check_token_drift(make: Make, episodes: int = 2, family: str = "chatml") -> None:
    """Token mode replays the reference trajectories with no unexplained drift."""
    try:
        import transformers  # noqa: F401

        from toolgym.tokens.local import build_local_tokenizer
    except ImportError as exc:
        raise Skip(f"token mode needs transformers and tokenizers ({exc.name} missing): pip install 'toolgym[train]'") from None
    with _made(make) as plain:
        base = _base(plain)
        tasks = _with_reference(base, episodes)
        if not tasks:
            raise Skip("no task has a reference trajectory")
        corpus = [base.system_prompt] + [t.question for t in tasks] + [a for t in tasks for a in reference_actions(base, t)]
    tok = build_local_tokenizer(corpus, family, vocab_size=400)
    with _made(make, tokenizer=tok, check_drift=True) as env:
        for task in tasks:
            env.reset(options={"task_id": task.id})
            info: dict[str, Any] = {}
            for action in reference_actions(_base(env), task):
                ids = tok(action, add_special_tokens=False)["input_ids"] + [tok.convert_tokens_to_ids("<|im_end|>")]
                _, _, terminated, truncated, info = env.step(ids)
                if terminated or truncated:
                    break
            drift = info.get("token_drift")
            if drift is None:
                raise ConformanceError(f"task {task.id!r}: token mode reported no token_drift at the end")
            if drift.get("checked") and drift.get("mismatches"):
                raise ConformanceError(f"task {task.id!r}: {drift['mismatches']} unexplained drift tokens in token mode")


def check_conformance(make: Make, *, episodes: int = 3, fuzz_steps: int = 40, tokens: bool = True) -> ConformanceReport:
    """Run every check on ``make``; failures and skips are collected, not raised (see :meth:`ConformanceReport.raise_for_failures`)."""
    runs: dict[str, Callable[[], None]] = {
        "check_env": lambda: check_gym_checker(make),
        "determinism": lambda: check_determinism(make),
        "fuzz": lambda: check_fuzz(make, fuzz_steps),
        "reference": lambda: check_reference(make, episodes),
        "null_agent": lambda: check_null_agent(make, min(episodes, 2)),
    }
    if tokens:
        runs["token_drift"] = lambda: check_token_drift(make, min(episodes, 2))
    report = ConformanceReport()
    for name, run in runs.items():
        try:
            run()
        except Skip as why:
            report.skipped[name] = str(why)
        except ConformanceError as exc:
            report.failures[name] = str(exc)
        except Exception as exc:  # the env itself broke while being made or driven
            report.failures[name] = f"{type(exc).__name__}: {exc}"
        else:
            report.passed.append(name)
    return report
