"""``ToolGym/Travel-v1``: serve a simulated airline customer with 13 booking tools. See README.md."""

from __future__ import annotations

from typing import Any

from toolgym.apis.env import CustomerServiceEnv


class TravelEnv(CustomerServiceEnv):
    """Airline reservations: book, change flights or cabin, add bags, fix passengers, cancel, compensate, status.

    Keyword arguments are :class:`~toolgym.apis.env.CustomerServiceEnv`'s (``split``, ``tasks``,
    ``user``, ``user_config``, ``api_url``, ``parser``, budgets...).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("travel", **kwargs)
