"""``ToolGym/Retail-v1``: serve a simulated store customer with 14 order/catalogue tools. See README.md."""

from __future__ import annotations

from typing import Any

from toolgym.apis.env import CustomerServiceEnv


class RetailEnv(CustomerServiceEnv):
    """Retail orders: cancel, modify, return, exchange, address changes, order and catalogue questions.

    Keyword arguments are :class:`~toolgym.apis.env.CustomerServiceEnv`'s (``split``, ``tasks``,
    ``user``, ``user_config``, ``api_url``, ``parser``, budgets...).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("retail", **kwargs)
