"""The asynchronous rollout engine: request order, env reuse, and tool time overlapping generation."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from toolgym.env import ToolEnv
from toolgym.rewards.base import Component, Rubric
from toolgym.tasks import Task, TaskSet
from toolgym.tokens import TokenEnv
from toolgym.tools import tool
from toolgym.train.generation import GenerationRequest, GenerationResult
from toolgym.train.rollout import RolloutEngine, RolloutRequest
from toolgym.train.toy import exact_answer

TOOL_S = 0.4
EVENTS: list[tuple[str, float, float]] = []
_LOCK = threading.Lock()


@tool
def slow(x: int) -> int:
    """Return x after a while.

    Args:
        x: a number
    """
    start = time.perf_counter()
    time.sleep(TOOL_S)
    with _LOCK:
        EVENTS.append(("tool", start, time.perf_counter()))
    return x


def _task(tid: str, question: str) -> Task:
    return Task.from_dict(
        {"id": tid, "env": "test", "question": question, "split": "test", "tools": ["slow"], "answer": "1",
         "reference": {"turns": [{"answer": "1"}]}}
    )


def make_env() -> ToolEnv:
    tasks = TaskSet([_task("slow", "SLOW task"), _task("fast", "FAST task")])
    return ToolEnv(tasks, [slow], rubric=Rubric([Component("correct", exact_answer, 1.0)]), max_turns=6)


class ScriptGenerator:
    """Plays a fixed policy from the decoded context: the SLOW task calls the slow tool once, the
    FAST task chats (void turns) four times; both then answer. Records when it generates."""

    def __init__(self, tokenizer) -> None:
        self.tok = tokenizer
        self.stop = tokenizer.convert_tokens_to_ids("<|im_end|>")

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        start = time.perf_counter()
        out = []
        for r in requests:
            text = self.tok.decode(list(r.context))
            turns = text.count("<|im_start|>assistant") - 1
            if "SLOW task" in text:
                action = '<tool_call>\n{"name": "slow", "arguments": {"x": 1}}\n</tool_call>' if turns == 0 else "<answer>1</answer>"
            else:
                action = "hmm" if turns < 4 else "<answer>1</answer>"
            ids = self.tok(action, add_special_tokens=False)["input_ids"] + [self.stop]
            out.append(GenerationResult(ids, [-0.1] * len(ids)))
        time.sleep(0.02)  # a generation takes a little while
        with _LOCK:
            EVENTS.append(("generate", start, time.perf_counter()))
        return out

    def sync_weights(self, model) -> None:  # nothing to sync: scripted
        pass


def test_tool_time_overlaps_generation_of_other_trajectories(tiny_tokenizer):
    EVENTS.clear()
    created: list[TokenEnv] = []

    def factory() -> TokenEnv:
        created.append(TokenEnv(make_env(), tiny_tokenizer))
        return created[-1]

    engine = RolloutEngine(factory, ScriptGenerator(tiny_tokenizer), max_new_tokens=64, max_concurrency=4, env_workers=4)
    try:
        requests = [RolloutRequest("slow", 0, 1), RolloutRequest("fast", 1, 2), RolloutRequest("fast", 1, 3)]
        rollouts = engine.run(requests)
    finally:
        engine.close()
    assert [r.request for r in rollouts] == requests
    assert [len(r.trajectory.turns) for r in rollouts] == [2, 5, 5]
    assert all(r.trajectory.final_reward == 1.0 for r in rollouts)
    (tool,) = [e for e in EVENTS if e[0] == "tool"]
    during = [e for e in EVENTS if e[0] == "generate" and tool[1] < e[1] < tool[2]]
    # lock-step batching would generate nothing while the slow tool runs; here the fast
    # trajectories keep being served (three more turns each fit in the tool's 0.4 s)
    assert len(during) >= 3
    stats = engine.last_stats
    assert stats.overlap > 1.0 and stats.batches >= 5
    assert len(created) == 3


def test_envs_are_reused_across_runs(tiny_tokenizer):
    created: list[TokenEnv] = []

    def factory() -> TokenEnv:
        created.append(TokenEnv(make_env(), tiny_tokenizer))
        return created[-1]

    engine = RolloutEngine(factory, ScriptGenerator(tiny_tokenizer), max_new_tokens=64, max_concurrency=2, env_workers=2)
    try:
        for _ in range(2):
            rollouts = engine.run([RolloutRequest("fast", i, i) for i in range(4)])
            assert all(r.trajectory.final_reward == 1.0 for r in rollouts)
    finally:
        engine.close()
    assert len(created) == 2  # at most max_concurrency envs, reused
