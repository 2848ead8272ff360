"""Imports between apps follow the order written in docs/architecture.md, and form no cycle."""

from pathlib import Path

import pytest

from tests.architecture.import_graph import (
    cycles,
    find_imports,
    read_order,
    unplaced_apps,
    violations,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def order():
    return read_order((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edges(order):
    return find_imports(ROOT, order)


def test_every_app_has_a_place_in_the_import_order(order):
    assert unplaced_apps(ROOT, order) == [], "add these apps to docs/architecture.md"


def test_no_import_against_the_order(order, edges):
    found = [str(v) for v in violations(edges, order)]
    assert found == [], "imports against the order:\n" + "\n".join(found)


def test_no_cycle_between_apps(order, edges):
    found = cycles(edges)
    assert found == [], "import cycles:\n" + "\n".join(found)


# The checker itself, on a tiny tree made for the purpose.

ORDER = """# Title

## Import order

```text
site.urls  # top
high | side
low
site       # helpers
```
"""


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path):
    return _tree(
        tmp_path,
        {
            "site/__init__.py": "",
            "site/urls.py": "from high import views\n",
            "site/forms.py": "X = 1\n",
            "high/__init__.py": "",
            "high/apps.py": "",
            "high/views.py": "from site.forms import X\nfrom .models import M\n",
            "high/models.py": "from low.models import Base\n",
            "low/__init__.py": "",
            "low/apps.py": "",
            "low/models.py": "class Base:\n    pass\n",
            "low/migrations/__init__.py": "",
            "low/migrations/0001.py": "from high.models import M\n",
            "side/__init__.py": "",
            "side/apps.py": "",
        },
    )


def test_the_order_is_read_top_first_with_peers():
    order = read_order(ORDER)
    assert order.rank == {
        "site.urls": (0, 0),
        "high": (1, 0),
        "side": (1, 1),
        "low": (2, 0),
        "site": (3, 0),
    }
    assert order.unit_of("site.urls") == "site.urls"
    assert order.unit_of("site.forms") == "site"


def test_a_tree_that_follows_the_order_passes(tree):
    order = read_order(ORDER)
    edges = find_imports(tree, order)
    assert {(e.where, e.imported) for e in edges} == {
        ("site/urls.py:1", "high"),
        ("high/views.py:1", "site"),
        ("high/models.py:1", "low"),
    }
    assert violations(edges, order) == []
    assert cycles(edges) == []


def test_an_upward_import_inside_a_function_is_named_with_file_and_line(tree):
    _tree(tree, {"low/services.py": "import os\n\n\ndef f():\n    from high import views\n"})
    order = read_order(ORDER)
    found = [str(v) for v in violations(find_imports(tree, order), order)]
    assert found == [
        "low/services.py:5: low imports high.views, against the import order (high is above low)"
    ]


def test_peers_and_string_imports_are_caught(tree):
    _tree(
        tree,
        {
            "side/tasks.py": "from importlib import import_module\n"
            "def f():\n    return import_module('high.models')\n",
            "site/bulk.py": "from django.apps import apps\nM = apps.get_model('low', 'Base')\n",
        },
    )
    order = read_order(ORDER)
    found = sorted(str(v) for v in violations(find_imports(tree, order), order))
    assert found == [
        "side/tasks.py:3: side imports high.models, against the import order "
        "(high and side are peers)",
        "site/bulk.py:2: site imports low, against the import order (low is above site)",
    ]


def test_a_cycle_is_caught_and_named(tree):
    _tree(tree, {"low/signals.py": "from high import models\n"})
    order = read_order(ORDER)
    edges = find_imports(tree, order)
    assert cycles(edges) == [
        "high (high/models.py:1) -> low (low/signals.py:1) -> high",
    ]
    assert [str(v) for v in violations(edges, order)] == [
        "low/signals.py:1: low imports high.models, against the import order (high is above low)"
    ]


def test_an_app_missing_from_the_order_is_named(tree):
    _tree(tree, {"extra/__init__.py": "", "extra/apps.py": ""})
    assert unplaced_apps(tree, read_order(ORDER)) == ["extra"]
