"""Plain in-memory state of the mock platform: no HTTP, testable directly."""
