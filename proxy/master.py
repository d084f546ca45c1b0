"""A lean mitmproxy engine: a master with only the addons miready needs, and one pipeline addon.

mitmproxy calls every hook of every flow on every addon of its chain, each inside a context
manager (``DumpMaster`` brings 34 defaults that miready never uses). Here the chain holds the
few mitmproxy addons that the reverse and regular modes and TLS need, hook handlers are looked up
once per hook name instead of per call, and miready's stages run as one ``Pipeline`` addon whose
hooks are plain function calls in order.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from mitmproxy import exceptions, hooks
from mitmproxy.addonmanager import AddonManager, traverse
from mitmproxy.master import Master
from mitmproxy.options import Options

logger = logging.getLogger(__name__)

Handler = Callable[..., Any]
_PASS_THROUGH = (exceptions.AddonHalt, exceptions.OptionsError)
# mitmproxy warns at registration about addons that have these; a pipeline must not seem to
_DEPRECATED_HOOKS = frozenset({"add_log"})


def lean_addons(modes: Iterable[str] = ()) -> list[Any]:
    """mitmproxy's own addons that miready needs, in ``default_addons()`` order.

    Core validates options; Block refuses public clients by default (an open forward proxy
    otherwise); Proxyserver listens and declares the connection options; NextLayer picks the
    protocol layers of reverse and regular mode; TlsConfig makes and checks certificates, its CA
    at the first TLS client when every mode is reverse (``LazyCaTlsConfig``); UpstreamAuth handles
    ``upstream_auth``. Everything else (replay, save, scripts, rewrites, DNS, the terminal log,
    the error check at start-up) is left out.
    """
    from miready.proxy.lazy_ca import LazyCaTlsConfig
    from mitmproxy.addons import block, core, next_layer, proxyserver, tlsconfig, upstream_auth

    modes = [str(m) for m in modes]
    reverse = bool(modes) and all(m.startswith("reverse") for m in modes)

    return [
        core.Core(),
        block.Block(),
        proxyserver.Proxyserver(),
        next_layer.NextLayer(),
        LazyCaTlsConfig() if reverse else tlsconfig.TlsConfig(),
        upstream_auth.UpstreamAuth(),
    ]


def _handlers(addons: Iterable[Any], name: str) -> list[Handler]:
    """Each addon's (and sub-addon's) handler for hook ``name``, in chain order."""
    found = []
    for addon in traverse(addons):
        func = getattr(addon, name, None)
        if func is not None and callable(func):
            found.append(func)
    return found


def _log_error(func: Handler, e: Exception) -> None:
    logger.error("Addon error in %s: %s", getattr(func, "__qualname__", func), e, exc_info=e)


class CachedAddonManager(AddonManager):
    """mitmproxy's addon manager with handlers cached per hook name and no context manager per call.

    Errors are logged and the chain goes on, as mitmproxy's ``safecall`` does; ``AddonHalt``
    stops the chain and ``OptionsError`` propagates, as there.
    """

    def __init__(self, master: Master) -> None:
        super().__init__(master)
        self._cache: dict[str, list[Handler]] = {}

    def register(self, addon: Any) -> Any:
        self._cache.clear()
        return super().register(addon)

    def add(self, *addons: Any) -> None:
        super().add(*addons)
        self._cache.clear()

    def remove(self, addon: Any) -> None:
        self._cache.clear()
        super().remove(addon)

    def clear(self) -> None:
        super().clear()
        self._cache.clear()

    async def trigger_event(self, event: hooks.Hook) -> None:
        funcs = self._cache.get(event.name)
        if funcs is None:
            funcs = self._cache[event.name] = _handlers(self.chain, event.name)
        if not funcs:
            return
        args = event.args()
        for func in funcs:
            try:
                res = func(*args)
                if res is not None and inspect.isawaitable(res):
                    await res
            except exceptions.AddonHalt:
                return
            except exceptions.OptionsError:
                raise
            except Exception as e:
                _log_error(func, e)


class Pipeline:
    """miready's stages as ONE mitmproxy addon: a hook calls the stages that define it, in order.

    The dispatcher of each hook name is built on first use and kept on the instance, so later
    look-ups are plain attribute reads. A stage's error is logged and the next stage still runs.
    """

    name = "miready_pipeline"

    def __init__(self, stages: Sequence[Any]) -> None:
        self.stages = tuple(stages)

    def get(self, name: str) -> Any | None:
        """A stage by mitmproxy's addon name (``name`` attribute or lower-case class name)."""
        for stage in self.stages:
            if getattr(stage, "name", type(stage).__name__.lower()) == name:
                return stage
        return None

    def __getattr__(self, hook: str) -> Handler | None:
        # only mitmproxy's hook names; "addons", "name" and the like stay AttributeErrors
        if hook.startswith("_") or hook not in hooks.all_hooks or hook in _DEPRECATED_HOOKS:
            raise AttributeError(hook)
        dispatcher = _dispatcher(_handlers(self.stages, hook))
        self.__dict__[hook] = dispatcher
        return dispatcher


def _dispatcher(funcs: list[Handler]) -> Handler | None:
    """One callable running ``funcs`` in order: sync unless one of them is a coroutine."""
    if not funcs:
        return None
    if len(funcs) == 1:
        return funcs[0]
    if not any(inspect.iscoroutinefunction(f) for f in funcs):

        def run_sync(*args: Any) -> None:
            for func in funcs:
                try:
                    func(*args)
                except _PASS_THROUGH:
                    raise
                except Exception as e:
                    _log_error(func, e)

        return run_sync

    async def run_async(*args: Any) -> None:
        for func in funcs:
            try:
                res = func(*args)
                if res is not None and inspect.isawaitable(res):
                    await res
            except _PASS_THROUGH:
                raise
            except Exception as e:
                _log_error(func, e)

    return run_async


class LeanMaster(Master):
    """``Master`` with the lean addons and the cached addon manager; create inside the loop."""

    def __init__(self, options: Options, *, stages: Sequence[Any] = ()) -> None:
        super().__init__(options, with_termlog=False)
        # swap the manager before any addon is loaded; the old one listens for option changes
        options.changed.disconnect(self.addons._configure_all)
        self.addons = CachedAddonManager(self)
        self.addons.add(*lean_addons(options.mode))
        if stages:
            self.addons.add(Pipeline(stages))
