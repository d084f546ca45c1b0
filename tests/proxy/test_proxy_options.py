"""Options declared once: the addons' ``loader.add_option`` calls are the CLI and the launcher."""

from __future__ import annotations

import subprocess
import sys

import pytest
from miready.proxy.cli import build_parser
from miready.proxy.options import addon_options, option_argv
from miready.proxy.process import ProxyProcess, ProxyStartError


def test__every_addon_option__should_have_a_flag_with_its_help():
    parser = build_parser()
    flags = {flag for action in parser._actions for flag in action.option_strings}
    specs = addon_options()
    assert specs and all(spec.name.startswith("miready_") for spec in specs)
    for spec in specs:
        assert spec.flag in flags, spec.name
        assert spec.help, spec.name
    assert "--admin-token" in flags and "--upstream-timeout" in flags


@pytest.mark.parametrize(
    "options",
    [
        {"miready_policy": "warn", "miready_sunset": "2027-06-30"},
        {"miready_introspect": False, "miready_upstream_timeout": 2.5},
        {"miready_introspect": True, "miready_max_parse_bytes": 10, "miready_ledger": ""},
        {"miready_apps_file": "apps.yaml", "miready_admin_token": "adm"},
    ],
)
def test__option_argv__parsed_back__should_give_the_same_options(options):
    args = vars(build_parser().parse_args(["--upstream", "http://x", *option_argv(options)]))
    assert {name: args[name] for name in options} == options


def test__option_argv__unknown_option__should_name_the_known_ones():
    with pytest.raises(ValueError, match="unknown proxy option 'miready_nope'.*miready_policy"):
        option_argv({"miready_nope": 1})


def test__proxy_process__admin_token__should_go_by_environment_never_argv(tmp_path):
    process = ProxyProcess("http://x", admin_token="adm-secret", options={"miready_sunset": "x"})
    cmd = process.command(tmp_path / "port", tmp_path / "conf")
    assert "adm-secret" not in " ".join(cmd)
    assert cmd[cmd.index("--sunset") + 1] == "x"
    assert process.options["miready_admin_token"] == "adm-secret"


def test__proxy_process__command__should_not_load_mitmproxy_in_the_parent():
    code = (
        "import sys; from pathlib import Path; from miready.proxy.process import ProxyProcess; "
        "p = ProxyProcess('http://x', options={'miready_introspect': False}); "
        "cmd = p.command(Path('port'), Path('conf')); "
        "print('--no-introspect' in cmd, any(m.split('.')[0] == 'mitmproxy' for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert out.stdout.split() == ["True", "False"], out.stderr


def test__proxy_process__unknown_option__should_fail_to_start_naming_it():
    with pytest.raises(ProxyStartError, match="unrecognized arguments: --nope"):
        ProxyProcess("http://127.0.0.1:9", options={"miready_nope": 1}).start()
