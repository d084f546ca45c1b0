"""A small generic registry keyed by function name and filled by a decorator."""

from __future__ import annotations

from collections.abc import Callable, Iterator


class Registry[T: Callable]:
    """Named entries of one signature; built-ins register the same way a plugin would."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, name: str | None = None) -> Callable[[T], T]:
        def decorate(func: T) -> T:
            key = name or func.__name__
            if key in self._entries:
                raise ValueError(f"{self.what} {key!r} is registered twice")
            self._entries[key] = func
            return func

        return decorate

    def get(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            known = ", ".join(sorted(self._entries))
            raise KeyError(f"unknown {self.what} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))
