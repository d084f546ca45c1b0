"""The proxy's addons in pipeline order: the one list mitmproxy is given."""

from __future__ import annotations

from typing import Any

from proxy.classifier import Classifier
from proxy.identity import AppIdentifier
from proxy.links import UpstreamLinks
from proxy.matcher import OperationMatcher
from proxy.policy import DeprecationPolicy
from proxy.recorder import Recorder, Writer, default_writer_factory
from proxy.status import StatusEndpoint
from proxy.translator import Translator


def default_addons(writer_factory: Any = default_writer_factory) -> list[Any]:
    """status -> match -> identify -> classify -> enforce/warn -> translate -> links -> record.

    mitmproxy calls each hook on the addons in this order, so every addon finds the work of the
    ones before it in the flow's ``CallState``.
    """
    classifier = Classifier()
    recorder = Recorder(writer_factory)
    return [
        StatusEndpoint(recorder, classifier),
        OperationMatcher(),
        AppIdentifier(),
        classifier,
        DeprecationPolicy(classifier),
        Translator(),
        UpstreamLinks(),
        recorder,
    ]


__all__ = ["Writer", "default_addons"]
