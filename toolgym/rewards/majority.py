"""Label-free majority-vote reward, TTRL-style (Zuo et al., "TTRL: Test-Time Reinforcement Learning",
arXiv 2504.16084): the group's most common answer stands in for the missing gold.

TTRL samples G rollouts per prompt, takes the majority answer as a pseudo-label and pays 1 to the
rollouts that agree with it. Its known failure is consensus collapse: a policy that gives the same
answer everywhere agrees with itself. The rules here, in the shape of
:func:`toolgym.rewards.efficiency.otc_group_rewards` (lists in, lists out), close that:

1. **Votes.** A rollout votes only with a plain answer: a non-blank string that passes the math
   screen (:mod:`toolgym.rewards.math_screen`) against a plain number, so hedges, prose, negations
   and several answers in one (``anything but 12``, ``11 or 12``) do not vote and are never paid.
2. **Clusters.** Votes are grouped by the verifier's equivalence (:func:`toolgym.rewards.math.math_equal`
   by default: ``1/2`` and ``0.5`` are one answer).
3. **Label.** The largest cluster is the pseudo-label when it is the only largest one and has at
   least ``min_votes`` votes (default 2); a tie or a lone vote gives no label and pays nobody.
4. **Constant answers.** Labels are compared across the batch (groups of *different* tasks): a label
   that wins in at least 2 groups and in more than ``max_label_share`` of them (default 0.25) is what
   a constant policy produces, not evidence, and those groups pay nobody. A batch needs at least
   ``min_groups`` groups (default 4) so that this check means something: one group alone cannot
   tell a confident policy from a constant one.
5. **Reward.** 1.0 for a rollout whose answer is in the label's cluster, else 0.0.

:func:`majority_vote_labels` returns the labels for a batch; :class:`PseudoLabelReward` is the
rubric component that scores a trajectory against its task's label (0 when the task has none).

>>> batch = [["4", "4", "5", None], ["1/2", "0.5", "3", "7"], ["9", "8", "9", "9"], ["2", "3", "2", ""]]
>>> majority_vote_rewards(batch)
[[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from toolgym.errors import RewardError
from toolgym.rewards.math import math_equal
from toolgym.rewards.math_screen import screen
from toolgym.types import Trajectory

if TYPE_CHECKING:
    from toolgym.tasks.model import Task

Equal = Callable[[str, str], bool]


def is_vote(answer: object) -> bool:
    """Whether ``answer`` is a plain, single mathematical answer that may vote."""
    return isinstance(answer, str) and bool(answer.strip()) and screen(answer, "0") is not None


def _clusters(votes: list[tuple[int, str]], equal: Equal) -> list[list[tuple[int, str]]]:
    clusters: list[list[tuple[int, str]]] = []
    for i, a in votes:
        for c in clusters:
            if equal(a, c[0][1]):
                c.append((i, a))
                break
        else:
            clusters.append([(i, a)])
    return clusters


def _group_label(answers: Sequence[str | None], equal: Equal, min_votes: int) -> tuple[str | None, set[int]]:
    votes = [(i, a.strip()) for i, a in enumerate(answers) if is_vote(a)]  # type: ignore[union-attr]
    clusters = sorted(_clusters(votes, equal), key=len, reverse=True)
    if not clusters or len(clusters[0]) < min_votes:
        return None, set()
    if len(clusters) > 1 and len(clusters[1]) == len(clusters[0]):
        return None, set()  # a tie: no majority
    return clusters[0][0][1], {i for i, _ in clusters[0]}


def majority_vote_labels(
    groups: Sequence[Sequence[str | None]],
    *,
    equal: Equal = math_equal,
    min_votes: int = 2,
    min_groups: int = 4,
    max_label_share: float = 0.25,
) -> list[str | None]:
    """The pseudo-label of each group (None where there is none); see the module rules."""
    return [label for label, _ in _batch(groups, equal, min_votes, min_groups, max_label_share)]


def majority_vote_rewards(
    groups: Sequence[Sequence[str | None]],
    *,
    equal: Equal = math_equal,
    min_votes: int = 2,
    min_groups: int = 4,
    max_label_share: float = 0.25,
) -> list[list[float]]:
    """Per-rollout rewards for a batch of groups (one group per task, G answers each)."""
    return [
        [1.0 if i in members else 0.0 for i in range(len(group))]
        for group, (_, members) in zip(groups, _batch(groups, equal, min_votes, min_groups, max_label_share))
    ]


def _batch(
    groups: Sequence[Sequence[str | None]],
    equal: Equal,
    min_votes: int,
    min_groups: int,
    max_label_share: float,
) -> list[tuple[str | None, set[int]]]:
    if min_votes < 2:
        raise RewardError(f"min_votes must be >= 2 (one vote is not a majority), got {min_votes}")
    if not 0.0 <= max_label_share < 1.0:
        raise RewardError(f"max_label_share must lie in [0, 1), got {max_label_share}")
    if len(groups) < max(min_groups, 1):
        raise RewardError(
            f"majority vote needs a batch of at least {min_groups} groups of different tasks to rule out "
            f"constant answers; got {len(groups)}"
        )
    labelled = [_group_label(g, equal, min_votes) for g in groups]
    labels = [(k, label) for k, (label, _) in enumerate(labelled) if label is not None]
    constant: set[int] = set()
    for k, label in labels:
        same = [j for j, other in labels if j == k or equal(label, other)]
        if len(same) >= 2 and len(same) > max_label_share * len(groups):
            constant.add(k)
    return [(None, set()) if k in constant else lm for k, lm in enumerate(labelled)]


class PseudoLabelReward:
    """Reward fn: 1.0 when the trajectory's answers all match its task's pseudo-label.

    ``labels`` maps task ids to the labels of :func:`majority_vote_labels` (None: no label, pays 0).
    Every answer must be a vote and equal the label, so conflicting answers score 0.

    >>> PseudoLabelReward({"t": "12"}).labels
    {'t': '12'}
    """

    def __init__(self, labels: Mapping[str, str | None], equal: Equal = math_equal) -> None:
        self.labels = dict(labels)
        self.equal = equal

    def __call__(self, task: Task, trajectory: Trajectory) -> float:
        label = self.labels.get(task.id)
        given = [*trajectory.answers, trajectory.final_answer]
        answers = [a for a in given if isinstance(a, str) and a.strip()]
        if label is None or not answers:
            return 0.0
        return float(all(is_vote(a) and self.equal(a, label) for a in answers))
