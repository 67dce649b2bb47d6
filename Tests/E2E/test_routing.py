"""Where the transformer sends a request (spec §7.3): `--predictor_host host:port/prefix` puts the prefix before the
route, with exactly one `/` between them; the model name in the route is the transformer model's own name, one per
name of a comma-separated --model_name; v1 → `POST /v1/models/<m>:predict`, v2 → `POST /v2/models/<m>/infer`."""

import json

import pytest

from conftest import RecordingServer, post, start_transformer


@pytest.fixture(scope="module")
def recorder():
    server = RecordingServer()
    yield server
    server.stop()


def call(transformer, protocol, model):
    if protocol == "v1":
        return post(transformer.http_port, f"/v1/models/{model}:predict", {"instances": [1]})
    return post(transformer.http_port, f"/v2/models/{model}/infer",
                {"id": "p", "inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [1]}]})


@pytest.mark.parametrize("protocol", ["v1", "v2"])
@pytest.mark.parametrize("prefix", ["", "/serving", "/serving/", "/a/b"])
def test_path_prefix(recorder, protocol, prefix):
    with start_transformer(recorder.host + prefix, protocol) as transformer:
        recorder.reset()
        resp = call(transformer, protocol, "echo")
        assert resp.status == 200, resp
        route = "/v1/models/echo:predict" if protocol == "v1" else "/v2/models/echo/infer"
        assert [r["path"] for r in recorder.records()] == [prefix.rstrip("/") + route]


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_each_model_of_a_list_is_forwarded_under_its_own_name(recorder, protocol):
    with start_transformer(recorder.host, protocol, model_name="first,second") as transformer:
        recorder.reset()
        assert call(transformer, protocol, "second").status == 200
        assert call(transformer, protocol, "first").status == 200
        paths = [r["path"] for r in recorder.records()]
        if protocol == "v1":
            assert paths == ["/v1/models/second:predict", "/v1/models/first:predict"]
        else:
            assert paths == ["/v2/models/second/infer", "/v2/models/first/infer"]
        resp = call(transformer, protocol, "third")
        assert resp.status == 404, resp
        assert len(recorder.records()) == 2


def test_v2_request_without_id_gets_one(recorder):
    """The transformer forwards the request's `id`, or a fresh one when the client gave none (spec §9)."""
    with start_transformer(recorder.host, "v2") as transformer:
        recorder.reset()
        resp = post(transformer.http_port, "/v2/models/echo/infer",
                    {"inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [1]}]})
        assert resp.status == 200, resp
        sent = json.loads(recorder.records()[0]["body"])
        assert isinstance(sent.get("id"), str) and sent["id"], sent
        assert resp.json()["id"] == sent["id"]
        recorder.reset()
        resp = post(transformer.http_port, "/v2/models/echo/infer",
                    {"id": "mine", "inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [1]}]})
        assert json.loads(recorder.records()[0]["body"])["id"] == "mine"
        assert resp.json()["id"] == "mine"


def test_v1_number_arrays_travel_as_their_text(recorder):
    """A large array of numbers that the model passes on untouched goes to the predictor, and back to the client, as
    the text it came in (spellings the transformer's own writer never prints: trailing zeros, `1E2`, `, `)."""
    row = "[" + ", ".join(["0.500000", "1E2", "-0.0", "3"] * 40) + "]"
    with start_transformer(recorder.host, "v1") as transformer:
        recorder.reset()
        resp = post(transformer.http_port, "/v1/models/echo:predict", '{"instances": [' + row + "]}",
                    {"Content-Type": "application/json"})
        assert resp.status == 200, resp
        sent = recorder.records()[0]["body"]
        assert row in sent, sent[:300]
        assert json.loads(sent) == {"instances": [[0.5, 100.0, -0.0, 3] * 40]}
        # The recorder answers with Python's json.dumps, `[0.5, 100.0, -0.0, 3, ...]`: that text comes back.
        answered = json.dumps([[0.5, 100.0, -0.0, 3] * 40])
        assert resp.body.decode() == '{"predictions":' + answered + "}"
