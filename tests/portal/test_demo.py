"""The demo registry: every app's step, run after the steps it builds on."""

import pytest

from portal import demo


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(demo, "_STEPS", {})
    monkeypatch.setattr(demo, "_OPTIONS", {})
    return demo


def _step(ran: list, name: str):
    return lambda *, stdout=None: ran.append(name)


def test_every_app_registers_its_step_after_the_steps_it_builds_on():
    names = [step.name for step in demo.step_list()]
    assert names == [
        "accounts",
        "policies",
        "courses",
        "enrollment",
        "attendance",
        "questions",
        "feedback",
        "certificates",
    ]
    assert [option.dest for option in demo.option_list()] == ["course_a_over"]


def test_a_step_waits_for_the_steps_it_names_and_ties_keep_registration_order(registry):
    ran: list[str] = []
    registry.register("late", _step(ran, "late"), after=["base", "middle"])
    registry.register("middle", _step(ran, "middle"), after=["base"])
    registry.register("other", _step(ran, "other"))
    registry.register("base", _step(ran, "base"))
    registry.demo_seed()
    assert ran == ["other", "base", "middle", "late"]


def test_registering_the_same_step_again_is_harmless_but_two_of_a_name_are_refused(registry):
    seed = _step([], "one")
    registry.register("one", seed)
    registry.register("one", seed)
    with pytest.raises(ValueError):
        registry.register("one", _step([], "another"))


def test_a_step_waiting_for_a_missing_or_circular_step_is_an_error(registry):
    registry.register("one", _step([], "one"), after=["nobody"])
    with pytest.raises(ValueError, match="nobody"):
        registry.step_list()
    registry.register("nobody", _step([], "nobody"), after=["one"])
    with pytest.raises(ValueError, match="each other"):
        registry.step_list()
