"""Every registered ToolGym/* env: Gymnasium's checker, seeding, and reference trajectories."""

import warnings

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import toolgym
from toolgym.agents import ReferenceAgent
from toolgym.runner import play_episode

ENV_IDS = sorted(i for i in gym.registry if i.startswith("ToolGym/"))


def test_registry_matches_the_package_table():
    assert ENV_IDS == sorted(toolgym.env_ids()) and ENV_IDS


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes_without_warnings(env_id):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = gym.make(env_id)
        check_env(env)
        check_env(env.unwrapped)
        env.close()
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_make_by_module_prefix(env_id):
    env = gym.make(f"toolgym:{env_id}")
    assert isinstance(env.unwrapped, toolgym.ToolEnv)
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_same_task(env_id):
    env = gym.make(env_id)
    first = [env.reset(seed=s) for s in (11, 12, 13)]
    again = [env.reset(seed=s) for s in (11, 12, 13)]
    assert first == again
    assert len({info["task_id"] for _, info in first + [env.reset(seed=s) for s in range(20)]}) > 1
    env.close()


@pytest.mark.parametrize("env_id", ENV_IDS)
@pytest.mark.parametrize("split", ["train", "test"])
def test_reference_trajectory_scores_one(env_id, split):
    env = gym.make(env_id, split=split)
    base = env.unwrapped
    agent = ReferenceAgent()
    tasks = list(base.tasks)
    for task in tasks:
        rec = play_episode(base, agent, seed=None, task_id=task.id)
        assert rec.reward == 1.0 and rec.terminated, (task.id, rec.turns[-1])
        assert not rec.errors, (task.id, rec.errors)
    env.close()


def test_v0_ids_name_their_successor():
    # v1 changed what the envs emit (docs/versions.md): the old ids point at the new ones.
    with pytest.raises(gym.error.DeprecatedEnv, match="MathTIR-v1"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gym.make("ToolGym/MathTIR-v0")
