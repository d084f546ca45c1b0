"""pytest plugin: a mock store and a recording proxy for an app's own contract tests."""
