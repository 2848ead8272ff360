"""The demo data, one step per app: each app registers the step that seeds its part.

An app registers in its AppConfig.ready(), naming the steps whose data it builds on:

    demo.register("enrollment", enrollment_demo.seed, after=["accounts", "courses"])

`seed_demo` runs every step after the steps it names; among steps free to run, the one
registered first goes first (so INSTALLED_APPS order breaks ties). A step is
`seed(*, stdout=None)` and must be idempotent. An app may also offer a `seed_demo` option
(`register_option`): it changes the demo data, and then every step runs again.

A leaf: it imports no app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    name: str
    seed: Callable[..., Any]
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    flag: str
    help: str
    run: Callable[..., Any]

    @property
    def dest(self) -> str:
        """The option's name in the command's options, as argparse spells it."""
        return self.flag.lstrip("-").replace("-", "_")


_STEPS: dict[str, Step] = {}
_OPTIONS: dict[str, Option] = {}


def register(name: str, seed: Callable[..., Any], *, after: Iterable[str] = ()) -> None:
    step = Step(name=name, seed=seed, after=tuple(after))
    if _STEPS.get(name, step) != step:
        raise ValueError(f"two demo steps are named {name!r}")
    _STEPS[name] = step


def register_option(flag: str, *, help: str, run: Callable[..., Any]) -> None:
    """A `seed_demo` flag (e.g. "--course-a-over"); `run(stdout=...)` when it is given."""
    option = Option(flag=flag, help=help, run=run)
    if _OPTIONS.get(flag, option) != option:
        raise ValueError(f"two demo options are named {flag!r}")
    _OPTIONS[flag] = option


def option_list() -> list[Option]:
    return list(_OPTIONS.values())


def step_list() -> list[Step]:
    """Every step, each after the steps it names."""
    missing = {name for step in _STEPS.values() for name in step.after} - set(_STEPS)
    if missing:
        raise ValueError(f"demo steps wait for steps nobody registered: {sorted(missing)}")
    ordered: list[Step] = []
    done: set[str] = set()
    waiting = list(_STEPS.values())
    while waiting:
        step = next((step for step in waiting if done.issuperset(step.after)), None)
        if step is None:
            raise ValueError(f"demo steps wait for each other: {[s.name for s in waiting]}")
        waiting.remove(step)
        ordered.append(step)
        done.add(step.name)
    return ordered


def demo_seed(*, stdout=None) -> None:
    """Run every step once, in order."""
    for step in step_list():
        step.seed(stdout=stdout)
