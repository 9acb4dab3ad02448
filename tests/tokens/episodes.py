"""Random multi-turn episodes for token-stream tests: a small ToolEnv and a random text policy.

The policy writes what real models write in a Hermes-format env: tool calls (valid, invalid,
several per turn), answers, free text without either (void turns), Unicode, JSON, and for
reasoning families a ``<think>`` block in Qwen3's canonical form. Its tokens are the canonical
tokenization of its text plus the closing token the family uses; sometimes it stops without a
closing token (a length-limited generation) and the env has to close the turn.
"""

from __future__ import annotations

import json
import random

from toolgym.env import ToolEnv
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task, TaskSet
from toolgym.tokens import TokenEnv, build_local_tokenizer
from toolgym.tools import tool
from toolgym.types import Trajectory

WORDS = (
    ["the", "sum", "is", "answer", "let", "me", "compute", "first", "then", "check", "value", "result", "ok", "hmm", "so", "wait", "données", "数据", "результат", "λ", "π", "∑", "😀", "x=3", "(a+b)", "[1,2]", "{'k':", "1}", "-42", "3.14", "1e9", "\\frac{1}{2}", "$$", "snake_case", "CamelCase", "can't", "we'll", "i'm"]
)


@tool
def add(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: the first addend
        b: the second addend
    """
    return a + b


@tool
def echo(text: str) -> str:
    """Echo text back, reversed.

    Args:
        text: any text
    """
    return text[::-1] or "(empty)"


def exact(task: Task, traj: Trajectory) -> float:
    return float(traj.final_answer is not None and traj.final_answer.strip() == task.answer)


def random_text(rng: random.Random, n_min: int = 1, n_max: int = 12) -> str:
    """Words joined by spaces and sometimes newlines; never starts or ends with whitespace."""
    parts: list[str] = []
    for _ in range(rng.randint(n_min, n_max)):
        parts.append(rng.choice(WORDS))
        parts.append(rng.choice([" ", " ", " ", "\n", "\n\n", ", "]))
    return "".join(parts).strip() or "ok"


def make_tasks(rng: random.Random, n: int = 20) -> TaskSet:
    tasks = []
    for i in range(n):
        a, b = rng.randint(-50, 99), rng.randint(0, 99)
        tasks.append(
            Task.from_dict(
                {
                    "id": f"rand-{i}",
                    "env": "test",
                    "question": f"{random_text(rng, 0, 6)} What is {a} + {b}?",
                    "split": "test",
                    "tools": ["add", "echo"],
                    "answer": str(a + b),
                    "reference": {
                        "turns": [
                            {"tool_calls": [{"name": "add", "arguments": {"a": a, "b": b}}]},
                            {"answer": str(a + b)},
                        ]
                    },
                }
            )
        )
    return TaskSet(tasks)


def make_env(rng: random.Random, max_turns: int = 6) -> ToolEnv:
    return ToolEnv(
        make_tasks(rng), [add, echo], rubric=Rubric([Component("correct", exact, 1.0)]), max_turns=max_turns
    )


def corpus(env: ToolEnv, rng: random.Random) -> list[str]:
    """Text to train a local tokenizer on: the system prompt and typical turns."""
    texts = [env.system_prompt] + [t.question for t in env.tasks]
    texts += [random_text(rng, 1, 30) for _ in range(200)]
    texts += ['<tool_call>\n{"name": "add", "arguments": {"a": 3, "b": 4}}\n</tool_call>', "<answer>7</answer>"]
    return texts


def random_action(rng: random.Random, reasoning: bool) -> str:
    """One policy turn's text."""
    kind = rng.random()
    pieces: list[str] = []
    if rng.random() < 0.3:
        pieces.append(random_text(rng, 1, 6))
    if kind < 0.45:
        for _ in range(rng.choice([1, 1, 1, 2])):
            if rng.random() < 0.5:
                payload = {"name": "add", "arguments": {"a": rng.randint(-9, 99), "b": rng.randint(0, 99)}}
            elif rng.random() < 0.7:
                payload = {"name": "echo", "arguments": {"text": random_text(rng, 1, 8)}}
            else:
                payload = {"name": rng.choice(["add", "mul"]), "arguments": {"a": "x"}}
            pieces.append(f"<tool_call>\n{json.dumps(payload, ensure_ascii=rng.random() < 0.5)}\n</tool_call>")
    elif kind < 0.7:
        pieces.append(f"<answer>{rng.randint(-50, 200)}</answer>")
    else:
        pieces.append(random_text(rng))
    text = "\n".join(pieces)
    if reasoning and rng.random() < 0.7:
        text = f"<think>\n{random_text(rng, 1, 10)}\n</think>\n\n{text}"
    return text


def closing_token(family: str, text: str) -> str:
    """The token the family's stock template closes ``text`` with (written out, not asked of the code
    under test): Llama 3.1/3.2 close every turn with ``<|eot_id|>`` unless builtin tools are used."""
    if family == "llama3":
        return "<|eot_id|>"
    return "<|im_end|>"


def play(tenv: TokenEnv, family: str, rng: random.Random, unclosed_rate: float = 0.15) -> None:
    """Play one random episode to its end through the token env."""
    tok = tenv.tokenizer
    tenv.reset(seed=rng.randint(0, 10**6))
    done = False
    while not done:
        text = random_action(rng, reasoning=family == "qwen3")
        ids = tok(text, add_special_tokens=False)["input_ids"]
        if rng.random() >= unclosed_rate:
            ids = ids + [tok.convert_tokens_to_ids(closing_token(family, text))]
        _, _, term, trunc, _ = tenv.step(ids)
        done = term or trunc


def family_tokenizer(family: str, seed: int = 0):
    rng = random.Random(seed)
    return build_local_tokenizer(corpus(make_env(rng), rng), family, vocab_size=800)


def make_env_default() -> ToolEnv:
    """An entry point for registration tests: the random env with a fixed seed."""
    return make_env(random.Random(0))
