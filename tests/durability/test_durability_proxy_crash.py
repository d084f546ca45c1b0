"""An answered call is a recorded call, even when the proxy is killed or stopped mid-burst.

Both sides are counted: the calls the apps got answers for, matched one by one against the calls
the ledger holds once the proxy (restarted on the same journal) has drained.
"""

from __future__ import annotations

import os
import re
import signal
from collections import Counter
from pathlib import Path

import pytest
from conftest import DEADLINE_S, Burst, recorded_calls, write_apps_file
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

ROUNDS = 5
CLIENTS = 12
PER_CLIENT = 70  # 840 calls per burst at most
CUT_AFTER = 300  # answered calls before the proxy is killed or stopped
EXIT_LINE = re.compile(
    r"ledger at exit: (?P<answered>\d+) calls answered; (?P<journaled>\d+) journaled, "
    r"(?P<replayed>\d+) replayed.*?; (?P<written>\d+) written to the ledger \((?P<dup>\d+) were "
    r"already there\), (?P<quarantined>\d+) quarantined, (?P<lost>\d+) lost; (?P<left>\d+) left"
)


def proxy_for(store_url: str, directory: Path, tokens_file: Path) -> ProxyProcess:
    return ProxyProcess(
        store_url,
        ledger_url=f"sqlite:///{directory / 'ledger.db'}",
        apps_file=tokens_file,
        options={"miready_introspect": False},
        startup_timeout=DEADLINE_S,
    )


def signal_child(proxy: ProxyProcess, sig: signal.Signals) -> None:
    # ProxyProcess offers SIGTERM-then-wait only; a crash needs the child's pid itself.
    os.kill(proxy._proc.pid, sig)


def test__proxy_killed_mid_burst__restarted_on_its_journal__should_miss_no_answered_call(
    store, tmp_path
):
    figures = []
    for round_ in range(ROUNDS):
        directory = tmp_path / f"round-{round_}"
        directory.mkdir()
        tokens = write_apps_file(directory / "apps.yaml", CLIENTS)
        proxy = proxy_for(store.url, directory, directory / "apps.yaml").start()
        try:
            burst = Burst(proxy.url, tokens, PER_CLIENT)
            burst.when(CUT_AFTER, lambda p=proxy: signal_child(p, signal.SIGKILL)).run()
        finally:
            proxy.close()
        with proxy_for(store.url, directory, directory / "apps.yaml") as again:
            assert again.wait_until_recorded(DEADLINE_S), again.log()
            status = again.status()
        recorded = recorded_calls(f"sqlite:///{directory / 'ledger.db'}")
        missing = burst.answered - set(recorded)
        doubled = [c for c, n in Counter(recorded).items() if n > 1]
        figures.append((len(burst.answered), burst.failed, len(recorded), status["replayed"],
                        len(missing), len(doubled)))  # fmt: skip
        print(f"\nround {round_}: answered {len(burst.answered)}, cut {burst.failed} clients, "
              f"recorded {len(recorded)} ({status['replayed']} replayed from the journal), "
              f"missing {len(missing)}, doubled {len(doubled)}")  # fmt: skip
        assert burst.failed > 0, "the proxy was not killed mid-burst"
        assert missing == set(), sorted(missing)[:10]
        assert doubled == []
    print(f"\nkill -9 x{ROUNDS} (answered, cut, recorded, replayed, missing, doubled): {figures}")


def test__proxy_sigterm_mid_burst__should_miss_no_answered_call_and_print_exact_counts(
    store, tmp_path
):
    tokens = write_apps_file(tmp_path / "apps.yaml", CLIENTS)
    proxy = proxy_for(store.url, tmp_path, tmp_path / "apps.yaml").start()
    try:
        burst = Burst(proxy.url, tokens, PER_CLIENT)
        burst.when(CUT_AFTER, lambda: signal_child(proxy, signal.SIGTERM)).run()
        proxy._proc.wait(DEADLINE_S)  # exits by itself; a 2nd SIGTERM would kill it
        log = proxy.log()
        proxy.stop()
    finally:
        proxy.close()
    recorded = recorded_calls(f"sqlite:///{tmp_path / 'ledger.db'}")
    missing = burst.answered - set(recorded)
    match = EXIT_LINE.search(log)
    assert match, log[-3000:]
    counts = {k: int(v) for k, v in match.groupdict().items()}

    print(f"\nSIGTERM: apps got {len(burst.answered)} answers ({burst.failed} clients cut); "
          f"ledger holds {len(recorded)}; missing {len(missing)}")  # fmt: skip
    print(match.group(0))
    assert proxy.returncode == 0
    assert missing == set(), sorted(missing)[:10]
    assert counts["answered"] == counts["journaled"] >= len(burst.answered)
    assert counts["written"] == len(recorded) == counts["journaled"] - counts["left"]
    assert (counts["lost"], counts["quarantined"], counts["left"]) == (0, 0, 0)
