"""--explainer_host (spec §7.7): `POST /v1/models/<m>:explain` on the transformer goes to
`POST http://<explainer_host>/v1/models/<m>:explain` with the payload as JSON and the forwardable headers, and the
explainer's answer comes back. echo-predictor does not implement explain (its default explain answers 501), so the
explainer here is the recording server, which answers {"explanations": <body>, "model": <m>} and records the request.
"""

import json

import pytest

from conftest import HOST, RecordingServer, assert_error, free_port, post, start_echo_predictor, start_transformer

BODY = {"instances": [[1.0, 2.0], [3.0, 4.0]]}


@pytest.fixture(scope="module")
def explainer():
    server = RecordingServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def predictor():
    proc = start_echo_predictor()
    yield proc
    proc.stop()


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_explain_goes_to_the_explainer(explainer, predictor, protocol):
    with start_transformer(f"{HOST}:{predictor.http_port}", protocol,
                           extra=("--explainer_host", explainer.host)) as transformer:
        explainer.reset()
        resp = post(transformer.http_port, "/v1/models/echo:explain", BODY,
                    {"x-request-id": "exp-1", "cookie": "c=1", "authorization": "Bearer t"})
        assert resp.status == 200, resp
        assert resp.json() == {"explanations": BODY, "model": "echo"}
        records = explainer.records()
        assert len(records) == 1, records
        record = records[0]
        assert record["method"] == "POST"
        assert record["path"] == "/v1/models/echo:explain"
        assert json.loads(record["body"]) == BODY
        headers = {k.lower(): v for k, v in record["headers"]}
        assert headers["content-type"].startswith("application/json")
        assert headers["x-request-id"] == "exp-1" and headers["authorization"] == "Bearer t"
        assert "cookie" not in headers
        assert headers["host"] == explainer.host


def test_predict_still_goes_to_the_predictor(explainer, predictor):
    with start_transformer(f"{HOST}:{predictor.http_port}", "v1",
                           extra=("--explainer_host", explainer.host)) as transformer:
        explainer.reset()
        resp = post(transformer.http_port, "/v1/models/echo:predict", BODY)
        assert resp.status == 200, resp
        assert resp.json() == {"predictions": BODY["instances"]}
        assert explainer.records() == []


def test_explain_without_explainer_host_is_501(predictor):
    with start_transformer(f"{HOST}:{predictor.http_port}", "v1") as transformer:
        assert_error(post(transformer.http_port, "/v1/models/echo:explain", BODY), 501, "explainer_host")


def test_explainer_down_is_502(predictor):
    port = free_port()
    with start_transformer(f"{HOST}:{predictor.http_port}", "v1", extra=("--explainer_host", f"{HOST}:{port}")) as t:
        assert_error(post(t.http_port, "/v1/models/echo:explain", BODY), 502,
                     f"http://{HOST}:{port}/v1/models/echo:explain")


def test_echo_predictor_as_explainer(predictor):
    """echo-predictor has no explain of its own: its 501 reaches the client as a 502 naming the explainer."""
    with start_transformer(f"{HOST}:{predictor.http_port}", "v1",
                           extra=("--explainer_host", f"{HOST}:{predictor.http_port}")) as t:
        assert_error(post(t.http_port, "/v1/models/echo:explain", BODY), 502,
                     f"http://{HOST}:{predictor.http_port}/v1/models/echo:explain")
