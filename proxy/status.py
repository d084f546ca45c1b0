"""``GET /_miready/status`` on the proxy's own port, answered by the proxy and never forwarded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from miready.proxy import STATUS_PATH
from miready.proxy.classifier import Classifier
from miready.proxy.flowstate import CallState, set_call_state
from miready.proxy.recorder import Recorder
from miready.proxy.worker import this_worker
from mitmproxy import ctx, http


class StatusEndpoint:
    def __init__(self, recorder: Recorder, classifier: Classifier) -> None:
        self.recorder = recorder
        self.classifier = classifier

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.request.path.split("?", 1)[0] != STATUS_PATH or flow.response is not None:
            return
        set_call_state(
            flow,
            CallState(
                at=datetime.now(UTC),
                method=flow.request.method,
                raw_path=STATUS_PATH,
                internal=True,
            ),
        )
        body = self.recorder.status()
        body["policy"] = ctx.options.miready_policy
        body["rule_pack"] = self.classifier.pack.id if self.classifier.pack else None
        # Workers share the port: each answers for itself, and says which one it is.
        body["worker"] = this_worker().status()
        flow.response = http.Response.make(
            200, json.dumps(body), {"Content-Type": "application/json", "Cache-Control": "no-store"}
        )
