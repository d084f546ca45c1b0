"""The two example apps the demo drives: one on the legacy API, one migrated."""
