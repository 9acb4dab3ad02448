"""Adapters that plug ToolGym envs into the trainers people use, one module per trainer.

Each module needs its own extra and says which when it is missing:

* :mod:`toolgym.integrations.trl_grpo` (``pip install 'toolgym[trl]'``): a ``rollout_func`` for TRL's
  ``GRPOTrainer`` that plays every prompt of a batch through token mode at once.
* :mod:`toolgym.integrations.openenv_server` (``pip install 'toolgym[openenv]'``): serves any ToolGym
  env over OpenEnv's HTTP/WebSocket protocol (``toolgym serve ENV_ID``).
* :mod:`toolgym.integrations.verl_agent_loop` (``pip install 'toolgym[verl]'``): verl's agent loop
  ``toolgym`` returning ToolGym's token stream as ``AgentLoopOutput``.
* :mod:`toolgym.integrations.openrlhf_agent` (``pip install 'toolgym[openrlhf]'``): an OpenRLHF
  ``AgentExecutor`` for ``--agent_func_path`` that keeps ToolGym's token ids.
* :mod:`toolgym.integrations.skyrl_env` (``pip install 'toolgym[skyrl]'``): skyrl-gym's
  ``env_class: toolgym``.

:mod:`~toolgym.integrations.token_episode` (an episode played from an asyncio agent loop) and
:mod:`~toolgym.integrations.rows` (dataset rows naming env and task) are shared and need no extra.

Nothing is imported here, so ``import toolgym.integrations`` never needs an extra.
"""
