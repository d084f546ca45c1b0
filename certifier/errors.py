"""The certifier's errors: one root, and the leaves callers handle differently."""


class CertifierError(Exception):
    """Root of the certifier's errors."""


class UsageError(CertifierError):
    """The user asked for something that cannot be done as asked (exit code 2)."""
