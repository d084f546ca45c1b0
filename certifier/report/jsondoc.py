"""The JSON report: the documented, versioned shape of ``contracts/schemas/report.json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import AppReport, FindingReport, Report, stamp

SCHEMA_ID = "https://miready.dev/schemas/report.json"
VERSION = 1


# One-shot encoding without indent runs in C; json's indent=2 runs its pure-Python encoder, which
# took 7 of 10 s at 1,000 apps over 10M calls. So the outer levels get a line per key, and the
# values below them (an app's timeline, coverage, findings) one compact line each, encoded in C.
INDENT_LEVELS = 3  # the document, its apps list, each app


def _compact_encoder() -> Callable[[Any], str]:
    """``JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode``, with one C encoder.

    ``encode`` makes a new C encoder per call, which cost more than the encoding itself: a report
    of 1,000 apps encodes 40,000 values one by one. Nothing here is circular, so no markers.
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without json's C accelerator
        return encoder.encode
    c_encode = make(
        None, encoder.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
    )
    return lambda value: "".join(c_encode(value, 0))


_compact = _compact_encoder()


@FORMATS.register("json")
def render_json(report: Report) -> str:
    return _indented(to_document(report), INDENT_LEVELS, 0) + "\n"


def _indented(value: Any, levels: int, level: int) -> str:
    """``json.dumps(indent=2)`` down to ``levels`` levels, one compact line per deeper value."""
    if levels == 0 or not value or not isinstance(value, dict | list):
        return _compact(value)
    pad = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        items = [
            f"{_compact(str(k))}: {_indented(v, levels - 1, level + 1)}" for k, v in value.items()
        ]
        opening, closing = "{", "}"
    else:
        items = [_indented(v, levels - 1, level + 1) for v in value]
        opening, closing = "[", "]"
    return opening + pad + ("," + pad).join(items) + "\n" + "  " * level + closing


def to_document(report: Report) -> dict[str, Any]:
    pack = report.pack
    return {
        "$schema": SCHEMA_ID,
        "version": VERSION,
        "generated_at": stamp(report.generated_at),
        "as_of": stamp(report.as_of, "microseconds"),
        "ledger": report.ledger_url,
        "rule_pack": {
            "id": pack.id,
            "title": pack.title,
            "platform": pack.platform,
            "policy": pack.manifest.policy.value,
            "wording": {
                "ready": pack.manifest.wording.ready,
                "not_ready": pack.manifest.wording.not_ready,
                "policy": pack.manifest.wording.policy,
                "advisory": pack.manifest.wording.advisory,
            },
            "window_days": pack.window_days,
            "affected_scopes": sorted(pack.affected_scopes),
            "documentation_url": pack.documentation_url,
        },
        "ready": report.ready,
        "summary": report.counts(),
        "apps": [_app(a) for a in report.apps],
    }


def _app(a: AppReport) -> dict[str, Any]:
    d = a.decision
    review = d.review
    return {
        "app_id": a.app_id,
        "name": a.name,
        "scopes": sorted(d.app.scopes) if d.app else [],
        "scopes_known": d.scopes_known,
        "affected": d.evidence.affected,
        "verdict": d.verdict.value,
        "automatic_verdict": d.automatic.value,
        "ready": d.ready,
        "reason": d.reason,
        "window": {
            "start": stamp(d.window.start, "microseconds"),
            "end": stamp(d.window.end, "microseconds"),
            "days": d.window.days,
        },
        "observation": {
            "first_seen": stamp(d.first_seen, "microseconds"),
            "last_seen": stamp(d.last_seen, "microseconds"),
            "whole_window": d.evidence.observed_whole_window,
        },
        "calls_in_window": d.calls_in_window,
        "deprecated_calls_in_window": sum(p.deprecated for p in a.timeline),
        "last_finding_at": stamp(d.last_finding_at, "microseconds"),
        "eligible_on": d.eligible_on.isoformat() if d.eligible_on else None,
        "review": None
        if review is None
        else {
            "decision": review.decision,
            "reviewer": review.reviewer,
            "reason": review.reason,
            "at": stamp(review.at, "microseconds"),
            "voided": d.voided_by is not None,
            "voided_by": None
            if d.voided_by is None
            else {
                "rule_id": d.voided_by.rule_id,
                "day": d.voided_by.day.isoformat(),
                "at": stamp(d.voided_by.at, "microseconds"),
            },
        },
        "timeline": [
            {"day": p.day.isoformat(), "calls": p.calls, "deprecated_calls": p.deprecated}
            for p in a.timeline
        ],
        "coverage": [
            {
                "family": c.family.id,
                "title": c.family.title,
                "status": c.status,
                "exercised": c.exercised,
                "uses_new": c.uses_new,
                "new_calls": c.new_calls,
                "legacy_calls": c.legacy_calls,
                "new_operations": list(c.new_operations),
                "legacy_operations": list(c.legacy_operations),
            }
            for c in a.coverage
        ],
        "findings": [_finding(f) for f in a.findings],
    }


def _finding(f: FindingReport) -> dict[str, Any]:
    rule, hits = f.rule, f.hits
    return {
        "rule_id": rule.id,
        "kind": rule.kind,
        "severity": "blocking" if f.blocking else "advisory",
        "graced": f.graced,
        "title": rule.title,
        "description": rule.description,
        "endpoint": f.endpoint,
        "endpoints": sorted(rule.endpoints),
        "params": list(rule.params),
        "api_type": rule.api_type,
        "count": hits.count,
        "per_day": [
            {"day": day.isoformat(), "count": count} for day, count in sorted(hits.per_day.items())
        ],
        "first_seen": stamp(hits.first_at, "microseconds"),
        "last_seen": stamp(hits.last_at, "microseconds"),
        "last_call_at": stamp(hits.last_at, "microseconds"),
        "example": f.example,
        "replacement": rule.replacement,
        "replacements": list(f.replacements),
        "seed_section": rule.seed_section,
        "documentation_url": f.documentation_url,
        "migration_deadline": rule.deadline.isoformat() if rule.deadline else None,
    }
