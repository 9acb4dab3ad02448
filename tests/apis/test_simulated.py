"""LLM-simulated APIs: the LLM responder over a loopback server, and the labelled offline stub."""

import json

import jsonschema
import pytest

from tests.llm.chat_server import ChatServer
from toolgym.apis import LLMResponder, SimulatedApiSpec, SimulatedApiTool, StubResponder
from toolgym.apis.simulated import STUB_LABEL, example_value
from toolgym.llm import ChatClient

WEATHER = SimulatedApiSpec(
    name="get_weather",
    description="Weather forecast for a city and date.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}, "date": {"type": "string"}},
                "required": ["city", "date"], "additionalProperties": False},
    documentation="GET /weather?city=&date= returns the forecast: condition, temperatures in Celsius.",
    returns={"type": "object", "required": ["condition", "high_c", "low_c"], "properties": {
        "condition": {"enum": ["sunny", "cloudy", "rain", "snow"]},
        "high_c": {"type": "integer", "minimum": -30, "maximum": 45},
        "low_c": {"type": "integer", "minimum": -40, "maximum": 35},
        "alerts": {"type": "array", "items": {"type": "string"}}}},
)
ARGS = {"city": "Lisbon", "date": "2025-05-20"}


def test_stub_is_labelled_deterministic_and_fits_the_schema():
    tool = SimulatedApiTool(WEATHER, StubResponder())
    first, again = tool(ARGS), SimulatedApiTool(WEATHER, StubResponder())(ARGS)
    assert first.ok and first.content == again.content and first.metadata["simulated_by"] == "stub"
    label, body = first.content.split("\n", 1)
    assert label == STUB_LABEL
    jsonschema.validate(json.loads(body), WEATHER.returns)
    assert tool({"city": "Porto", "date": "2025-05-20"}).content != first.content


def test_arguments_are_validated_before_any_response():
    res = SimulatedApiTool(WEATHER, StubResponder())({"city": "Lisbon"})
    assert res.error_kind == "invalid_arguments" and "date" in res.content


def test_llm_responder_writes_the_response_and_is_cached_per_episode():
    reply = json.dumps({"condition": "sunny", "high_c": 24, "low_c": 15})
    with ChatServer([reply, "```json\n" + reply + "\n```"]) as srv:
        tool = SimulatedApiTool(WEATHER, LLMResponder(ChatClient(srv.base_url, "api-sim"), temperature=0.0, seed=3))
        a, b = tool(ARGS), tool(ARGS)
        assert a.ok and json.loads(a.content)["condition"] == "sunny" and a.content == b.content
        assert len(srv.requests) == 1 and a.metadata["simulated_by"] == "llm"
        tool.reset()
        assert json.loads(tool(ARGS).content)["high_c"] == 24  # fences stripped
        tool.close()
    prompt = srv.requests[0]["messages"][1]["content"]
    assert "GET /weather" in prompt and "Lisbon" in prompt and srv.requests[0]["seed"] == 3


@pytest.mark.parametrize("script, message", [
    (["Sure! It will be sunny."], "not JSON"),
    ([json.dumps({"condition": "hail", "high_c": 1, "low_c": 0})], "does not fit"),
    ([500, 500], "HTTP 500"),
    (["garbage"], "not JSON"),
])
def test_llm_failures_are_infra(script, message):
    with ChatServer(script) as srv:
        client = ChatClient(srv.base_url, "api-sim", max_retries=1, backoff_s=0.01)
        res = SimulatedApiTool(WEATHER, LLMResponder(client))(ARGS)
    assert not res.ok and res.error_kind == "infra" and message in res.metadata["exception"]


def test_simulated_tool_inside_an_env():
    from toolgym_envs.retail import RetailEnv

    env = RetailEnv(split="test", extra_tools=[SimulatedApiTool(WEATHER, StubResponder())])
    obs, _ = env.reset(seed=0)
    assert '"name": "get_weather"' in obs
    obs, _, _, _, info = env.step('<tool_call>{"name": "get_weather", "arguments": {"city": "Rome", "date": "2025-06-01"}}</tool_call>')
    assert STUB_LABEL in obs and info["error"] is None
    env.close()


def test_example_value_covers_common_schema_shapes():
    schema = {"type": "object", "properties": {
        "n": {"type": "number", "minimum": 1, "maximum": 2}, "flag": {"type": "boolean"}, "none": {"type": "null"},
        "day": {"type": "string", "format": "date"}, "maybe": {"type": ["null", "integer"]},
        "either": {"anyOf": [{"type": "integer"}, {"type": "string"}]}, "fixed": {"const": "v1"},
        "list": {"type": "array", "items": {"type": "integer"}, "minItems": 3}}}
    value = example_value(schema, "seed", "r")
    jsonschema.validate(value, schema)
    assert value == example_value(schema, "seed", "r") and len(value["list"]) == 3
