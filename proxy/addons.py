"""The proxy's addons in pipeline order: the one list mitmproxy is given."""

from __future__ import annotations

from typing import Any

from miready.proxy.classifier import Classifier
from miready.proxy.guard import AdminGuard
from miready.proxy.identity import AppIdentifier
from miready.proxy.links import UpstreamLinks
from miready.proxy.matcher import OperationMatcher
from miready.proxy.policy import DeprecationPolicy
from miready.proxy.recorder import Recorder, Writer, default_writer_factory
from miready.proxy.status import StatusEndpoint
from miready.proxy.testid import TestAttribution
from miready.proxy.timeout import UpstreamTimeout
from miready.proxy.translator import Translator
from miready.proxy.upstream_tls import UpstreamTls
from miready.proxy.via import ViaHeader


def default_addons(writer_factory: Any = default_writer_factory) -> list[Any]:
    """guard, status, start, test id, via, observe, identify, enforce/warn, translate, links,
    timeout, record, upstream TLS.

    mitmproxy calls each hook on the addons in this order, so every addon finds the work of the
    ones before it in the flow's ``CallState``.
    """
    classifier = Classifier()
    recorder = Recorder(writer_factory)
    return [
        AdminGuard(),
        StatusEndpoint(recorder, classifier),
        OperationMatcher(),
        TestAttribution(),
        ViaHeader(),
        classifier,
        AppIdentifier(platform=lambda: classifier.platform),
        DeprecationPolicy(classifier),
        Translator(),
        UpstreamLinks(),
        UpstreamTimeout(),
        recorder,
        UpstreamTls(),
    ]


__all__ = ["Writer", "default_addons"]
