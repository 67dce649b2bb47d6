"""TLS to the predictor: echo-predictor behind nginx with a certificate made here by openssl (a self-signed CA and a
server certificate for 127.0.0.1 / localhost). The transformer with --predictor_use_ssl true works when it is given
the CA (flag, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE), fails with a clear 502 naming the certificate problem when it is
not, and works with --predictor_verify_ssl false. Also gRPC over TLS (nginx grpc_pass) and mutual TLS."""

import os
import shutil
import subprocess
import tempfile
import types

import pytest

from conftest import HOST, Proc, assert_error, free_port, port_open, post, start_echo_predictor, start_transformer

V1_BODY = {"instances": [[1, 2, 3], "x"]}
V2_BODY = {"id": "tls", "inputs": [{"name": "a", "shape": [3], "datatype": "INT32", "data": [1, 2, 3]}]}
EXPECTED_V2_OUTPUT = {"name": "output-0", "shape": [3], "datatype": "INT32", "data": [1, 2, 3]}


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(directory):
    """ca.pem/ca.key (self-signed CA), server.pem/server.key (127.0.0.1, localhost), client.pem/client.key."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=swift-kserve e2e test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=directory)
    for name, usage, san in (("server", "serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
                             ("client", "clientAuth", None)):
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=directory)
        with open(os.path.join(directory, f"{name}.ext"), "w") as f:
            f.write(f"basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage={usage}\n")
            if san:
                f.write(san + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=directory)


NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    ssl_certificate {dir}/server.pem;
    ssl_certificate_key {dir}/server.key;
    server {{
        listen 127.0.0.1:{https_port} ssl;
        location / {{
            proxy_pass http://127.0.0.1:{http_upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
    server {{
        listen 127.0.0.1:{grpcs_port} ssl http2;
        location / {{ grpc_pass grpc://127.0.0.1:{grpc_upstream}; }}
    }}
    server {{
        listen 127.0.0.1:{mtls_port} ssl;
        ssl_client_certificate {dir}/ca.pem;
        ssl_verify_client on;
        location / {{
            proxy_pass http://127.0.0.1:{http_upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


@pytest.fixture(scope="module")
def tls():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.fail("nginx is not installed (scripts/e2e-tests installs it)")
    directory = tempfile.mkdtemp(prefix="e2e-tls-")
    echo = proc = None
    try:
        make_certificates(directory)
        echo = start_echo_predictor()
        t = types.SimpleNamespace()
        t.dir = directory
        t.ca = os.path.join(directory, "ca.pem")
        t.https_port, t.grpcs_port, t.mtls_port = free_port(), free_port(), free_port()
        with open(os.path.join(directory, "nginx.conf"), "w") as f:
            f.write(NGINX_CONF.format(
                user="user root;" if os.geteuid() == 0 else "", dir=directory, https_port=t.https_port,
                grpcs_port=t.grpcs_port, mtls_port=t.mtls_port, http_upstream=echo.http_port,
                grpc_upstream=echo.grpc_port))
        proc = Proc("nginx", [nginx, "-p", directory, "-c", os.path.join(directory, "nginx.conf")])
        proc.start(lambda: all(port_open(p)() for p in (t.https_port, t.grpcs_port, t.mtls_port)))
        t.nginx = proc
        yield t
    finally:
        if proc is not None:
            proc.stop()
        if echo is not None:
            echo.stop()
        shutil.rmtree(directory, ignore_errors=True)


def tls_transformer(port, protocol="v1", extra=(), env=None, host=HOST):
    return start_transformer(f"{host}:{port}", protocol, extra=("--predictor_use_ssl", "true", *extra), env=env)


def assert_v1_works(transformer):
    resp = post(transformer.http_port, "/v1/models/echo:predict", V1_BODY)
    assert resp.status == 200, resp
    assert resp.json() == {"predictions": V1_BODY["instances"]}


def assert_v2_works(transformer):
    resp = post(transformer.http_port, "/v2/models/echo/infer", V2_BODY)
    assert resp.status == 200, resp
    body = resp.json()
    assert body["id"] == "tls"
    assert [{k: o[k] for k in EXPECTED_V2_OUTPUT} for o in body["outputs"]] == [EXPECTED_V2_OUTPUT]


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_ca_given_by_flag(tls, protocol):
    with tls_transformer(tls.https_port, protocol, ("--predictor_ca_bundle", tls.ca)) as transformer:
        (assert_v1_works if protocol == "v1" else assert_v2_works)(transformer)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_given_by_environment(tls, variable):
    with tls_transformer(tls.https_port, env={variable: tls.ca}) as transformer:
        assert_v1_works(transformer)


def test_ca_given_and_host_by_name(tls):
    """The certificate's DNS name (localhost) matches too."""
    with tls_transformer(tls.https_port, extra=("--predictor_ca_bundle", tls.ca), host="localhost") as transformer:
        assert_v1_works(transformer)


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_without_ca_fails_with_certificate_error(tls, protocol):
    with tls_transformer(tls.https_port, protocol) as transformer:
        if protocol == "v1":
            resp = post(transformer.http_port, "/v1/models/echo:predict", V1_BODY)
        else:
            resp = post(transformer.http_port, "/v2/models/echo/infer", V2_BODY)
        message = assert_error(resp, 502, f"https://{HOST}:{tls.https_port}")
        assert "certificate" in message.lower(), message
        # and it keeps failing the same way (no cached bad state, no crash)
        assert post(transformer.http_port, "/v1/models/echo:predict", V1_BODY).status == 502
        assert transformer.alive()


def test_ca_that_did_not_sign_fails(tls, tmp_path):
    """A CA bundle with another CA: the same certificate error."""
    make_certificates(str(tmp_path))
    with tls_transformer(tls.https_port, extra=("--predictor_ca_bundle", str(tmp_path / "ca.pem"))) as transformer:
        message = assert_error(post(transformer.http_port, "/v1/models/echo:predict", V1_BODY), 502)
        assert "certificate" in message.lower(), message


@pytest.mark.parametrize("protocol", ["v1", "v2"])
def test_verification_disabled(tls, protocol):
    with tls_transformer(tls.https_port, protocol, ("--predictor_verify_ssl", "false")) as transformer:
        (assert_v1_works if protocol == "v1" else assert_v2_works)(transformer)


def test_grpc_over_tls_with_ca(tls):
    with tls_transformer(tls.grpcs_port, "grpc-v2", ("--predictor_ca_bundle", tls.ca), host="localhost") as transformer:
        assert_v2_works(transformer)


def test_grpc_over_tls_to_ip_address(tls):
    """`--predictor_host 127.0.0.1:<port>` (an IP literal, the usual form in tests and in-cluster IPs) over TLS:
    the certificate names 127.0.0.1, so this must work as it does over REST."""
    with tls_transformer(tls.grpcs_port, "grpc-v2", ("--predictor_ca_bundle", tls.ca)) as transformer:
        assert_v2_works(transformer)


def test_grpc_over_tls_without_ca_fails(tls):
    with tls_transformer(tls.grpcs_port, "grpc-v2", host="localhost") as transformer:
        resp = post(transformer.http_port, "/v2/models/echo/infer", V2_BODY)
        message = assert_error(resp, 502, f"localhost:{tls.grpcs_port}")
        assert "certificate" in message.lower(), message


def test_grpc_over_tls_verification_disabled(tls):
    with tls_transformer(tls.grpcs_port, "grpc-v2", ("--predictor_verify_ssl", "false"), host="localhost") as transformer:
        assert_v2_works(transformer)


def test_mutual_tls(tls):
    """nginx requires a client certificate: given with --predictor_client_cert/--predictor_client_key it works,
    without it nginx refuses and the transformer does not answer 200."""
    cert, key = os.path.join(tls.dir, "client.pem"), os.path.join(tls.dir, "client.key")
    with tls_transformer(tls.mtls_port, extra=("--predictor_ca_bundle", tls.ca, "--predictor_client_cert", cert,
                                               "--predictor_client_key", key)) as transformer:
        assert_v1_works(transformer)
    with tls_transformer(tls.mtls_port, extra=("--predictor_ca_bundle", tls.ca)) as transformer:
        resp = post(transformer.http_port, "/v1/models/echo:predict", V1_BODY)
        assert resp.status != 200, resp
        assert "error" in resp.json()
