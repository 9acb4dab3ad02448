"""OTC-GRPO tool-efficiency reward against hand-computed values."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from toolgym.errors import RewardError
from toolgym.rewards.efficiency import otc_group_rewards, otc_tool_reward


@pytest.mark.parametrize(
    ("m", "n", "c", "expected"),
    [
        (0, 0, 1.0, 1.0),  # f = n = 0
        (1, 0, 1.0, 0.5),  # cos(pi/3)
        (2, 0, 1.0, 0.30901699437494745),  # cos(2pi/5)
        (1, 0, 2.0, math.sqrt(2) / 2),  # cos(pi/4)
        (3, 0, 2.0, 0.3826834323650898),  # cos(3pi/8): 2m + c = 8
        (0, 2, 1.0, 0.0),  # f = 0: sin(0)
        (1, 3, 1.0, math.sqrt(2) / 2),  # m < n: f = 1.5, sin(1.5 pi / 6) = sin(pi/4)
        (1, 1, 1.0, 1.0),  # m = n: f = n, sin(pi/2)
        (3, 3, 1.0, 1.0),
        (2, 1, 1.0, math.sqrt(3) / 2),  # f = 4/3, sin(2pi/3)
        (3, 1, 1.0, math.sqrt(2) / 2),  # f = 1.5, sin(3pi/4)
        (6, 2, 1.0, math.sqrt(2) / 2),  # f = 3, sin(3pi/4)
    ],
)
def test_otc_tool_reward(m: int, n: int, c: float, expected: float) -> None:
    assert otc_tool_reward(m, n, c) == pytest.approx(expected, abs=1e-12)


def test_tool_reward_peaks_at_the_optimum_and_decays() -> None:
    values = [otc_tool_reward(m, 2) for m in range(2, 12)]
    assert values[0] == pytest.approx(1.0)
    assert all(a > b for a, b in zip(values, values[1:]))
    assert otc_tool_reward(100, 1) == pytest.approx(math.sin(200 / 101 * math.pi / 2))


def test_group_rewards_pay_only_correct_rollouts() -> None:
    # n = 1 (fewest calls among correct rollouts 1 and 2); rollout 0 uses fewer calls but is wrong.
    rewards = otc_group_rewards([0, 1, 2, 3], [0, 1, 1, 0])
    assert rewards == pytest.approx([0.0, 1.0, math.sqrt(3) / 2, 0.0])


def test_group_rewards_alpha_bools_and_zero_optimum() -> None:
    assert otc_group_rewards([0, 2], [True, True], alpha=0.5) == pytest.approx(
        [0.5, 0.5 * math.cos(2 * math.pi / 5)]
    )
    # c only enters the n = 0 branch: here n = 2, f(4, 2) = 8/3, sin(8/3 * pi / 4) = sin(2pi/3)
    assert otc_group_rewards([2, 4], [1.0, 1.0], c=3.0) == pytest.approx([1.0, math.sqrt(3) / 2])


def test_group_rewards_partial_credit_scales() -> None:
    assert otc_group_rewards([1, 2], [0.5, 1.0]) == pytest.approx([0.5, math.sqrt(3) / 2])


def test_group_without_correct_rollout_is_all_zero() -> None:
    assert otc_group_rewards([0, 1, 5], [0, 0, 0.0]) == [0.0, 0.0, 0.0]
    assert otc_group_rewards([], []) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: otc_tool_reward(-1, 0),
        lambda: otc_tool_reward(1, -1),
        lambda: otc_tool_reward(1, 0, c=0.0),
        lambda: otc_group_rewards([1, 2], [1]),
        lambda: otc_group_rewards([1], [1.5]),
        lambda: otc_group_rewards([1], [float("nan")]),
        lambda: otc_group_rewards([1], [1], alpha=float("inf")),
    ],
)
def test_bad_inputs_raise(call: Callable[[], object]) -> None:
    with pytest.raises(RewardError):
        call()
