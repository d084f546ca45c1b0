"""The embedding module: modes, and mitmproxy's own error answers in the platform's JSON shape."""

import json

import pytest
from miready.proxy.embed import json_error_response, proxy_mode
from mitmproxy.net.http import http1


def test__json_error_response__should_be_a_json_502():
    raw = json_error_response(502, "Connection refused")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 502 Bad Gateway")
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {
        "code": 502,
        "message": "Bad Gateway",
        "description": "Connection refused",
    }
    assert http1  # the assembled answer is plain HTTP/1.1


@pytest.mark.parametrize(
    ("mode", "upstream", "expected"),
    [
        ("reverse", "http://127.0.0.1:8080/", "reverse:http://127.0.0.1:8080"),
        ("reverse", "127.0.0.1:8080", "reverse:http://127.0.0.1:8080"),
        ("regular", None, "regular"),
    ],
)
def test__proxy_mode(mode, upstream, expected):
    assert proxy_mode(mode, upstream) == expected


def test__proxy_mode__reverse_without_upstream__should_say_so():
    with pytest.raises(ValueError, match="needs --upstream"):
        proxy_mode("reverse", None)
