"""pass^k (toolgym.metrics): the estimator, its curve, and multi-trial runs."""

from math import isclose

import pytest

from tests.apis.helpers import SilentAgent
from toolgym.agents import ReferenceAgent
from toolgym.apis import pass_hat_k, pass_k, pass_k_curve
from toolgym.runner import RunConfigError, run


def test_pass_hat_k_values():
    assert pass_hat_k([True, True, False, False], 1) == 0.5
    assert isclose(pass_hat_k([True, True, False, False], 2), 1 / 6)
    assert pass_hat_k([True, True, False, False], 3) == 0.0
    assert pass_hat_k([True] * 5, 5) == 1.0
    with pytest.raises(ValueError):
        pass_hat_k([True], 2)


def test_pass_k_averages_tasks_and_falls_with_k():
    outcomes = {"a": [True, True, True, True], "b": [True, False, True, False], "c": [False] * 4}
    curve = pass_k_curve(outcomes)
    assert curve[1] == pytest.approx((1 + 0.5 + 0) / 3)
    assert curve[2] == pytest.approx((1 + 1 / 6) / 3)
    assert curve[4] == pytest.approx(1 / 3)
    assert list(curve.values()) == sorted(curve.values(), reverse=True)
    assert pass_k(outcomes, 1) == curve[1]
    with pytest.raises(ValueError):
        pass_k({}, 1)


class FlakyAgent(ReferenceAgent):
    """Solves the task on even-numbered episodes, says nothing useful on odd ones."""

    def __init__(self) -> None:
        super().__init__()
        self.episodes = 0
        self.silent = SilentAgent()

    def begin(self, env) -> None:
        super().begin(env)
        self.episodes += 1

    def act(self, env, observation):
        return super().act(env, observation) if self.episodes % 2 else self.silent.act(env, observation)


def test_run_trials_reports_pass_k(tmp_path):
    out = tmp_path / "t.jsonl"
    good = run("ToolGym/Retail-v1", ReferenceAgent(), trials=3, episodes=4, env_kwargs={"split": "test"}, output=out)
    assert good.pass_k == {1: 1.0, 2: 1.0, 3: 1.0} and good.episodes == 12
    assert len(out.read_text().splitlines()) == 12
    assert ("pass^3", "1.0000") in good.rows()
    # 1 task x 2 trials: trial 1 succeeds, trial 2 fails -> pass^1 = 0.5, pass^2 = 0
    flaky = run("ToolGym/Retail-v1", FlakyAgent(), trials=2, episodes=1, env_kwargs={"split": "test"})
    assert flaky.pass_k == {1: 0.5, 2: 0.0}
    with pytest.raises(RunConfigError, match="trials must be >= 1"):
        run("ToolGym/Retail-v1", ReferenceAgent(), episodes=1, trials=0)
