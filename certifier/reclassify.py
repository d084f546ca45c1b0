"""What-if re-certification: the calls already in a ledger, judged again by another pack.

Only what the ledger keeps can be judged again: operations, parameter names, dates and the app's
scopes. Headers, ``fields=`` values and path values (API versions) are never stored, so rules
that need them (grace header, legacy fields selected, API versions) find nothing here.
"""

from __future__ import annotations

from dataclasses import replace

from miready.certifier.ledger.base import Ledger, open_ledger
from miready.certifier.ledger.records import AppInfo
from miready.contracts.pack import PlatformPack
from miready.contracts.rules import CallFacts

UNKNOWN_PREFIX = "unknown:"


def reclassify(source: Ledger, pack: PlatformPack, apps: list[AppInfo]) -> Ledger:
    """An in-memory ledger holding ``apps``' calls and reviews, their findings from ``pack``."""
    target = open_ledger("sqlite:///:memory:")
    rules = pack.rules
    for app in apps:
        old_examples = source.examples(app.app_id)
        records = []
        for call in source.stored_calls(app.app_id):
            template = call.path_template
            facts = CallFacts(
                method=call.method,
                path_template=None if template.startswith(UNKNOWN_PREFIX) else template,
                params=frozenset(call.params),
                scopes=frozenset(call.scopes) if call.scopes else None,
                at=call.at,
            )
            keys = tuple(f.key for f in rules.classify(facts))
            examples = {k: old_examples[k] for k in keys if k in old_examples}
            records.append(replace(call, findings=keys, examples=examples))
        if records:
            target.write_calls(records)
        for review in source.reviews(app.app_id):
            target.add_review(review)
    return target
