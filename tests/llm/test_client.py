import pytest

from toolgym.errors import EndpointError
from toolgym.llm import ChatClient
from tests.llm.chat_server import ChatServer


def client(url: str, **kw) -> ChatClient:
    return ChatClient(url, "test-model", timeout_s=kw.pop("timeout_s", 1.0), backoff_s=0.01, **kw)


def test_chat_returns_message_and_sends_model_and_params():
    with ChatServer(["hello"]) as srv:
        msg = client(srv.base_url).chat([{"role": "user", "content": "hi"}], temperature=0.0)
        assert msg["content"] == "hello"
        assert srv.requests[0]["model"] == "test-model" and srv.requests[0]["temperature"] == 0.0


def test_retries_on_500_then_succeeds():
    with ChatServer([500, 503, "ok"]) as srv:
        assert client(srv.base_url).chat([])["content"] == "ok"
        assert len(srv.requests) == 3


def test_gives_up_after_bounded_retries():
    with ChatServer([500] * 10) as srv:
        with pytest.raises(EndpointError, match=r"HTTP 500.*after 3 attempt"):
            client(srv.base_url, max_retries=2).chat([])
        assert len(srv.requests) == 3


def test_client_error_is_not_retried():
    with ChatServer([400]) as srv:
        with pytest.raises(EndpointError, match="HTTP 400"):
            client(srv.base_url).chat([])
        assert len(srv.requests) == 1


def test_malformed_json_and_timeout():
    with ChatServer(["garbage", "hang"], hang_s=2.0) as srv:
        with pytest.raises(EndpointError, match="not JSON"):
            client(srv.base_url).chat([])
        with pytest.raises(EndpointError, match="timed out"):
            client(srv.base_url, timeout_s=0.3, max_retries=0).chat([])


def test_connection_refused():
    with pytest.raises(EndpointError, match="connection failed"):
        client("http://127.0.0.1:9/v1", max_retries=1).chat([])
