"""The app against hostile input, headless (``AppTest``): what one session types never
reaches another; user text is never markdown; a bad link or upload never replaces the
current scenario nor breaks the session; reruns do only the work the page shows.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from app import link, services
from app.context import Ctx
from app.pages import exports
from simulator.engine import run as engine
from simulator.inputs.data import Dataset
from simulator.schema import edit
from simulator.schema.scenario import Scenario
from tests.strategies import FORMULA_STARTS
from tests.test_app import VIEWS, context, new_app, ok, preset, seen

__all__ = ["context"]  # a fixture shared with the app tests

EXTERNAL = "http://203.0.113.5"  # TEST-NET-3: never routed
MARKDOWN = (
    f"![ZQXimage]({EXTERNAL}/i.png) [ZQXlink]({EXTERNAL}/) <img src={EXTERNAL}/h.png> "
    f"<b>ZQXhtml</b> **ZQXbold** # ZQXhead $x^2$ :red[ZQXred]"
)
SHORT = f"![ZQXv]({EXTERNAL}/v.png)"  # short enough to be quoted in a message
# Markdown that would format, link or fetch, if not escaped.
LIVE = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<(?:img|a|b)\b|(?<!\\)\*\*ZQX|(?<!\\)\$x")


def bodies(at: AppTest) -> list[str]:
    """Every text the page renders as markdown: bodies of text and message elements,
    widget and expander labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("error", "warning", "info", "success"):
        out += [e.value for e in getattr(at, kind)]
    for kind in ("number_input", "slider", "selectbox", "text_input", "text_area", "toggle"):
        out += [w.label for w in getattr(at, kind)]
    out += [e.label for e in at.expander]
    return out


def errors(at: AppTest) -> list[str]:
    return [seen(e.value) for e in at.error]


# ---------------------------------------------------------------------- sessions
def test_two_sessions_do_not_share_text(dataset: Dataset, context: dict[str, Any]) -> None:
    """Two sessions on the same scenario with their own notes and author: each gets its
    own in the results and in its Excel pack (the result cache is shared)."""
    base = preset("october-2017-letter", context)
    changed = base.consequences.model_copy(update={"condition_pct": 41.0})
    one, two = (
        base.model_copy(
            update={"name": "Shared plan", "notes": f"Notes of {who}", "author": who,
                    "consequences": changed}
        )
        for who in ("Alice", "Bob")
    )  # fmt: skip
    assert one.content_hash() == two.content_hash()
    first = services.evaluate(one)
    second = services.evaluate(two)
    assert second.scenario == two and first.scenario == one
    assert second.summary["scenario"] == "Shared plan"
    ctx = Ctx(dataset, services.presets(), two, "october-2017-letter", second)
    book = openpyxl.load_workbook(io.BytesIO(exports.excel_bytes(ctx)))
    toml = "\n".join(str(row[0].value) for row in book["Scenario"].iter_rows())
    assert "Notes of Bob" in toml and 'author = "Bob"' in toml
    assert "Alice" not in toml
    assert "Alice" not in exports.all_csvs(ctx).decode("latin-1")


def test_excel_button_with_control_characters_gives_the_pack(
    dataset: Dataset, context: dict[str, Any]
) -> None:
    """The Exports page's Excel pack for a scenario whose name and notes hold control
    characters (a link can carry them as JSON escapes): a whole workbook."""
    scenario = preset("graduated", context).model_copy(
        update={"name": "Plan\x07\x1b", "notes": "line\x00one\x0cpage"}
    )
    ctx = Ctx(dataset, services.presets(), scenario, "graduated", services.evaluate(scenario))
    book = openpyxl.load_workbook(io.BytesIO(exports.excel_bytes(ctx)))
    assert book["Summary"]["B2"].value == "Plan␇␛"
    lines = [row[0].value for row in book["Scenario"].iter_rows()]
    assert 'notes = "line\\u0000one\\fpage"' in lines  # TOML's own escapes


def test_csv_formula_injection_app_exports(dataset: Dataset, context: dict[str, Any]) -> None:
    """Every CSV of the Exports page (the zip holds them all) with a hostile name, notes
    and test labels: no cell a spreadsheet would run, no comment line that starts one."""
    base = preset("october-2017-letter", context)
    data = base.model_dump(mode="json", exclude_none=True)
    data.update(name='=HYPERLINK("http://203.0.113.5/","x"),=1+1', notes="@SUM(A1)\n-1+1")
    for test in data["selection"]["tests"]:
        test["label"] = "=1+1"
    data["projection"]["draws"] = 50
    scenario = Scenario.model_validate(data, context=context)
    ctx = Ctx(
        dataset, services.presets(), scenario, "october-2017-letter", services.evaluate(scenario)
    )
    with zipfile.ZipFile(io.BytesIO(exports.all_csvs(ctx))) as archive:
        names = [n for n in archive.namelist() if n.endswith(".csv")]
        assert len(names) >= 15
        for name in names:
            text = archive.read(name).decode("utf-8")
            rows = list(csv.reader(io.StringIO(text, newline="")))
            comments = [r for r in rows if r and r[0].startswith("#")]
            assert comments == [], name  # what a file is goes in about.csv, not in it
            live = [
                cell
                for row in rows
                for cell in row
                if cell.lstrip().startswith(tuple(FORMULA_STARTS)) and not _number(cell)
            ]
            assert live == [], name


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_cached_result_holds_no_session_text(context: dict[str, Any]) -> None:
    scenario = preset("graduated", context).model_copy(
        update={"name": "Private name", "notes": "Private notes", "author": "Someone"}
    )
    services.evaluate(scenario)
    cached = services._evaluate(services.key(scenario), scenario)
    assert (cached.scenario.name, cached.scenario.notes, cached.scenario.author) == ("-", "", "")
    assert cached.summary["scenario"] == "-"


# ---------------------------------------------------------------------- markdown
def test_user_text_is_never_markdown_on_any_view() -> None:
    at = ok(
        new_app(
            preset="october-2017-letter",
            name=MARKDOWN[:120],
            **{"selection.tests.0.label": MARKDOWN, "selection.include": link.encode_value(
                [{"gss_code": "E10000017", "reason": MARKDOWN}]
            )},
        )
    )  # fmt: skip
    assert at.session_state["scenario"].name == MARKDOWN[:120]
    for view in VIEWS:
        at.session_state["view"] = view
        ok(at.run())
        texts = bodies(at)
        plain = [e.value for e in at.text]  # st.text: shown as typed, never markdown
        quoting = [t for t in texts + plain if "ZQX" in t]
        assert quoting, view
        assert [t for t in texts if LIVE.search(t)] == [], view
    at.session_state["view"] = "Councils"
    at.run().selectbox(key="council_select").set_value("E10000017").run()
    shown = [seen(t) for t in bodies(ok(at)) if "ZQX" in t]
    assert any(MARKDOWN in t for t in shown)  # the manual reason, literally
    assert [t for t in bodies(at) if LIVE.search(t)] == []


@pytest.mark.parametrize(
    "params",
    [
        {"preset": MARKDOWN},
        {"preset": "graduated", "dh": MARKDOWN, "mv": MARKDOWN},
        {"preset": "graduated", "consequences.condition_pct": SHORT},
    ],
    ids=["preset", "dh-mv", "value"],
)
def test_link_parameters_are_never_markdown(params: dict[str, str]) -> None:
    at = ok(new_app(**params))
    quoting = [t for t in bodies(at) if "ZQX" in t]
    assert quoting
    assert [t for t in quoting if LIVE.search(t)] == []
    assert any(MARKDOWN in seen(t) or SHORT in seen(t) for t in quoting)


def test_upload_file_name_is_never_markdown(context: dict[str, Any]) -> None:
    at = ok(new_app())
    name = "![ZQXup](u.png) **ZQX** <img src=u.png>.toml"  # a file name has no '/'

    good = preset("graduated", context).to_toml().encode()
    at.file_uploader(key="upload").set_value((name, good, "application/toml")).run()
    ok(at)
    success = [s.value for s in at.success]
    assert any("ZQXup" in s for s in success)
    assert [s for s in success if LIVE.search(s)] == []
    at.file_uploader(key="upload").set_value((name, b"name = [", "application/toml")).run()
    shown = [e.value for e in ok(at).sidebar.error]
    assert any("ZQXup" in e for e in shown)
    assert [e for e in shown if LIVE.search(e)] == []


# ---------------------------------------------------------------------- links and uploads
@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("consequences.cap_gbp", str(2**63), ""),
        ("consequences.cap_gbp", "9" * 5000, "more than 30 digits"),
        ("consequences.condition_pct", "[" * 5000 + "]" * 5000, "nested more than"),
        (".".join(["a"] * 3000), "1", "a key of more than 200 characters"),
        ("a.b.c.d.e.f.g.h.i", "1", "a key path of more than 8 parts"),
        ("consequences.condition_pct.x", "1", "is a value (0.0), not a table"),
    ],
    ids=["cap-2^63", "5000-digits", "5000-deep", "3000-parts", "9-parts", "through-a-number"],
)
def test_link_bad_values_keep_the_preset_and_the_session(
    key: str, value: str, words: str, context: dict[str, Any]
) -> None:
    """A link the model cannot take: the preset is shown, the message is one plain
    line per problem with no Python error in it, and the session keeps working."""
    at = ok(new_app(preset="graduated", **{key: value}))
    assert at.session_state["scenario"] == preset("graduated", context)
    shown = errors(at)
    assert any("could not be applied" in e for e in shown)
    assert words in " ".join(shown)
    for text in shown:
        for line in text.split("\n\n"):
            assert "\n" not in line and len(line) < 400
        assert "object" not in text and "Error" not in text and "Python int" not in text
    at.slider(key="w:consequences.condition_pct").set_value(20.0).run()
    assert ok(at).session_state["scenario"].consequences.condition_pct == 20.0


def test_old_format_with_a_number_for_a_table_is_one_readable_line(
    context: dict[str, Any], dataset: Dataset
) -> None:
    """``consequences = 5`` in a version-1 file or link: one plain line, no Python error."""
    _, scenario, _, problems = services.scenario_from_link(
        {"preset": "graduated", "schema_version": "1", "consequences": "5"},
        services.presets(),
        context,
        dataset.data_hash,
    )
    assert scenario == preset("graduated", context)
    assert problems[0].startswith("link: ") and "iterable" not in problems[0]
    raw = b"schema_version = 1\nname = 'x'\nconsequences = 5\n"
    got, errors, _ = edit.read_scenario_file("old.toml", raw, context, dataset.data_hash)
    assert got is None and len(errors) == 1 and errors[0].startswith("old.toml: ")
    assert "iterable" not in errors[0]


def test_link_over_1000_keys_is_refused_with_a_message(context: dict[str, Any]) -> None:
    params = {"preset": "graduated", **{f"selection.tests.0.x{k}": "1" for k in range(1001)}}
    _, scenario, _, problems = services.scenario_from_link(
        params, services.presets(), context, services.dataset().data_hash
    )
    assert scenario == preset("graduated", context)
    assert problems[0] == "link: 1,001 changes, more than the 1,000 a link holds"


def test_link_messages_do_not_leak_python_errors(context: dict[str, Any]) -> None:
    for key in ("consequences.condition_pct.x", "name.first", "selection.tests.0.window.end.y"):
        _, _, _, problems = services.scenario_from_link(
            {"preset": "graduated", key: "1"}, services.presets(), context, "x"
        )
        assert problems and all(p.startswith(("link: ", "showing ")) for p in problems), problems
        assert "item assignment" not in " ".join(problems)
        assert "is a value" in problems[0] and "not a table" in problems[0]


def test_upload_the_model_cannot_run_keeps_the_current_scenario() -> None:
    at = ok(new_app())
    before = at.session_state["scenario"]
    for name, raw in (
        ("huge.toml", f"name = 'x'\n[consequences]\ncap_gbp = {2**63}\n".encode()),
        ("deep.toml", b"name = 'x'\nnotes = " + b"[" * 3000 + b"]" * 3000 + b"\n"),
    ):
        at.file_uploader(key="upload").set_value((name, raw, "application/toml")).run()
        shown = " ".join(seen(e.value) for e in ok(at).sidebar.error)
        assert f"{name}: " in shown and "current scenario is unchanged" in shown
        assert "Error" not in shown and "Python" not in shown
        assert at.session_state["scenario"] == before


def test_the_door_says_in_one_line_why_the_model_cannot_run(context: dict[str, Any]) -> None:
    """Whatever the model raises on a scenario it cannot compute (here a cap past what
    its arrays hold, built without validation), the door returns one plain line."""
    base = preset("graduated", context)
    huge = base.model_copy(
        update={"consequences": base.consequences.model_copy(update={"cap_gbp": 2**63})}
    )
    assert services.problems(base, "sidebar") == []
    (line,) = services.problems(huge, "sidebar")
    assert line.startswith("sidebar: the model cannot run this scenario")
    assert "\n" not in line and "Python" not in line


# ---------------------------------------------------------------------- rerun cost
def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(engine, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, name, counted)
    return calls


def test_rerun_cost_data_page_runs_no_monte_carlo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Data page shows the back-test, not the projection: a scenario never seen
    before is drawn there without running the Monte Carlo."""
    calls = _counting(monkeypatch, "project_scenario")
    ok(new_app(preset="graduated", view="Data and assumptions",
               **{"consequences.reduction_pct": "7.123"}))  # fmt: skip
    assert calls == []


def test_rerun_cost_renaming_recomputes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    at = ok(new_app(preset="graduated", **{"consequences.reduction_pct": "7.321"}))
    evaluations = _counting(monkeypatch, "evaluate")
    projections = _counting(monkeypatch, "project_scenario")
    at.text_input(key="w:name").set_value("Another name").run()
    at.text_area(key="w:notes").set_value("Other notes").run()
    assert ok(at).session_state["scenario"].notes == "Other notes"
    assert (evaluations, projections) == ([], [])
