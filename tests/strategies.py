"""Hypothesis strategies: random *valid* scenario mappings for the bundled data.

Months are drawn from the data's own months (April 2011 to March 2018), so every
window has data; codes for the manual lists are drawn from the 152 councils.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

ATTRIBUTIONS = ["social_care", "social_care_and_both", "nhs", "total"]
# The data run 2011-04 .. 2018-03 (84 months). Windows of up to 6 months must start
# inside the data, so window ends are drawn from the 78 months from 2011-09.
DATA_MONTHS = [f"{y}-{m:02d}" for y in range(2011, 2019) for m in range(1, 13)][3:87]
WINDOW_ENDS = DATA_MONTHS[5:]

attributions = st.sampled_from(ATTRIBUTIONS)
pct = st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1))


@st.composite
def windows(draw: st.DrawFn, *, before: str | None = None) -> dict[str, Any]:
    ends = [m for m in WINDOW_ENDS if before is None or m < before]
    end = draw(st.sampled_from(ends))
    return {"end": end, "months": draw(st.integers(1, 6))}


@st.composite
def rate_tests(draw: st.DrawFn, test_id: str) -> dict[str, Any]:
    return {
        "id": test_id,
        "kind": "rate",
        "attribution": draw(attributions),
        "window": draw(windows()),
        "mode": draw(st.sampled_from(["worst_quartile", "worst_n", "above_threshold"])),
        "n": draw(st.integers(1, 152)),
        "threshold": draw(st.floats(0, 20, allow_nan=False).map(lambda x: round(x, 2))),
    }


@st.composite
def gap_tests(draw: st.DrawFn, test_id: str) -> dict[str, Any]:
    return {
        "id": test_id,
        "kind": "gap",
        "attribution": draw(attributions),
        "window": draw(windows()),
        "mode": draw(st.sampled_from(["above_expectation", "worst_quartile"])),
        "tolerance_pct": draw(st.sampled_from([0.0, 5.0, 20.0, 50.0])),
    }


@st.composite
def trend_tests(draw: st.DrawFn, test_id: str) -> dict[str, Any]:
    after = draw(st.sampled_from(WINDOW_ENDS[1:]))
    return {
        "id": test_id,
        "kind": "trend",
        "attribution": draw(attributions),
        "before": draw(windows(before=after)),
        "after": {"end": after, "months": draw(st.integers(1, 6))},
        "mode": draw(st.sampled_from(["worse", "not_improved", "worst_quartile"])),
        "min_improvement_pct": draw(st.sampled_from([0.0, 10.0, 25.0])),
    }


@st.composite
def any_test(draw: st.DrawFn, test_id: str) -> dict[str, Any]:
    kind = draw(st.sampled_from([rate_tests, gap_tests, trend_tests]))
    return draw(kind(test_id))


@st.composite
def selections(
    draw: st.DrawFn, codes: list[str], *, combiners: tuple[str, ...] | None = None
) -> dict[str, Any]:
    n_tests = draw(st.integers(0, 4))
    tests = [draw(any_test(f"t{i}")) for i in range(n_tests)]
    ids = [t["id"] for t in tests]
    screen = [i for i in ids if draw(st.booleans()) and draw(st.booleans())]
    criteria = [i for i in ids if i not in screen]
    options = list(combiners or ("all", "any", "at_least", "composite"))
    if not criteria and "at_least" in options and len(options) > 1:
        options.remove("at_least")
    combine = draw(st.sampled_from(options))
    out: dict[str, Any] = {"tests": tests, "screen": screen, "combine": combine}
    if len(screen) > 1 and draw(st.booleans()):
        out["screen_at_least"] = draw(st.integers(1, len(screen)))
    if combine == "at_least":
        out["at_least"] = draw(st.integers(1, max(1, len(criteria))))
        if not criteria:
            out["combine"] = "all"
            out.pop("at_least")
    if combine == "composite":
        out["composite"] = {
            "method": draw(st.sampled_from(["rank", "zscore"])),
            "select": draw(st.sampled_from(["worst_n", "worst_quantile"])),
            "n": draw(st.integers(1, 152)),
            "quantile_pct": draw(st.sampled_from([5.0, 10.0, 25.0, 50.0])),
            "weights": {i: draw(st.sampled_from([0.5, 1.0, 2.0])) for i in criteria},
        }
    if draw(st.booleans()):
        check = draw(st.sampled_from(DATA_MONTHS[24:]))
        out["exemption"] = {
            "attribution": draw(attributions),
            "baseline": draw(windows(before=check)),
            "check": {"end": check},
            "min_improvement_pct": draw(st.sampled_from([0.0, 10.0, 30.0])),
        }
    listed = draw(st.lists(st.sampled_from(codes), max_size=6, unique=True))
    cut = draw(st.integers(0, len(listed)))
    out["include"] = [{"gss_code": c, "reason": "added in a test"} for c in listed[:cut]]
    out["exclude"] = [{"gss_code": c, "reason": "removed in a test"} for c in listed[cut:]]
    return out


@st.composite
def consequences(draw: st.DrawFn, test_ids: list[str]) -> dict[str, Any]:
    condition = draw(pct)
    reduction = draw(st.floats(0, 100 - condition, allow_nan=False).map(lambda x: int(x)))
    graduations = ["flat", "tests_failed"] + (["margin"] if test_ids else [])
    out: dict[str, Any] = {
        "base": draw(st.sampled_from(["spring_budget", "original", "total"])),
        "condition_pct": condition,
        "reduction_pct": float(reduction),
        "graduation": draw(st.sampled_from(graduations)),
        "cap_pct": draw(st.sampled_from([100.0, 50.0, 10.0, 0.0])),
        "floor_pct": draw(st.sampled_from([0.0, 50.0, 95.0, 100.0])),
    }
    if out["graduation"] == "margin":
        low = draw(st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 1)))
        out["margin_test"] = draw(st.sampled_from(test_ids))
        out["margin_from"] = low
        out["margin_to"] = low + draw(st.sampled_from([0.5, 2.0, 10.0]))
    if draw(st.booleans()):
        out["cap_gbp"] = draw(st.integers(0, 5_000_000))
    if draw(st.booleans()):
        out["release"] = {
            "attribution": draw(attributions),
            "window": {"end": draw(st.sampled_from(DATA_MONTHS[12:]))},
            "rule": draw(st.sampled_from(["meets_expectation", "below_rate"])),
            "rate": draw(st.sampled_from([1.0, 2.6, 5.0])),
        }
    return out


@st.composite
def redistributions(draw: st.DrawFn) -> dict[str, Any]:
    after = draw(st.sampled_from(WINDOW_ENDS[1:]))
    out: dict[str, Any] = {
        "rule": draw(
            st.sampled_from(
                [
                    "retain",
                    "pro_rata_all",
                    "passed",
                    "best_quartile",
                    "met_expectation",
                    "improvers",
                ]
            )
        ),
        "attribution": draw(attributions),
        "window": {"end": after, "months": draw(st.integers(1, 3))},
        "before": draw(windows(before=after)),
    }
    if out["rule"] != "retain" and draw(st.booleans()):
        out["gain_cap_pct"] = draw(st.sampled_from([0.0, 1.0, 5.0, 50.0]))
    return out


@st.composite
def scenarios(
    draw: st.DrawFn, codes: list[str], *, combiners: tuple[str, ...] | None = None
) -> dict[str, Any]:
    selection = draw(selections(codes, combiners=combiners))
    ids = [t["id"] for t in selection["tests"]]
    return {
        "name": "random scenario",
        "selection": selection,
        "consequences": draw(consequences(ids)),
        "redistribution": draw(redistributions()),
    }


# ---------------------------------------------------------------------- hostile input
# Generators of what a careless or hostile file holds: nesting without end, integers
# too big for any field, a byte-order mark, control and invisible characters, dates
# that look right and are not.
INVISIBLE = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"])
control_text = st.text(
    st.one_of(INVISIBLE, st.sampled_from("ab:= .\n\r\t\"'\\")), min_size=1, max_size=12
)


@st.composite
def deep_toml(draw: st.DrawFn) -> str:
    """A scenario whose one key or value nests 17 to 3,000 levels deep."""
    depth = draw(st.integers(17, 3000))
    kind = draw(st.sampled_from(["dotted", "array", "table", "header"]))
    key = draw(st.sampled_from(["selection", "notes", "consequences", "a"]))
    head = 'name = "deep"\n'
    if kind == "dotted":
        return head + ".".join([key] * depth) + " = 1\n"
    if kind == "array":
        return head + f"{key} = " + "[" * depth + "]" * depth + "\n"
    if kind == "table":
        return head + f"{key} = " + "{a = " * depth + "1" + "}" * depth + "\n"
    return head + "[" + ".".join([key] * depth) + "]\n"


@st.composite
def huge_integers(draw: st.DrawFn) -> tuple[str, int]:
    """Integers of 19 digits or more (near and beyond 64 bits, some with thousands of
    digits), as TOML text and as a number (built without converting text: Python
    refuses to read more than 4,300 digits)."""
    digits = draw(st.sampled_from([19, 20, 40, 4299, 4301, 5000]))
    lead = draw(st.integers(1, 9))
    sign = draw(st.sampled_from(["", "-"]))
    text = sign + str(lead) + "0" * (digits - 1)
    return text, (-1 if sign else 1) * lead * 10 ** (digits - 1)


@st.composite
def date_like(draw: st.DrawFn) -> str:
    """YYYY-MM-DD strings, most of them impossible (month 13, 31 April, 29 February)."""
    year = draw(st.integers(1, 9999))
    month = draw(st.integers(0, 99))
    day = draw(st.integers(0, 99))
    return f"{year:04d}-{month:02d}-{day:02d}"


# ---------------------------------------------------------------------- hostile text
# What users may type (or a link may carry) that a file format or a renderer could
# read as something other than text: formula starts (and their full-width forms),
# control characters, markdown and HTML, line and paragraph separators, lone
# surrogates (a link's JSON can hold "\ud800").
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"]
HOSTILE_PIECES = [
    *FORMULA_STARTS,
    '=HYPERLINK("http://203.0.113.5/x","x")',
    "=cmd|' /C calc'!A0",
    "\x00", "\x07", "\x1b[31m", "\x0b", "\x0c", "\x7f", "\ud800", "\ufffe",
    "\u2028", "\u2029", "\x85", "\r\n",
    "![i](http://203.0.113.5/i.png)", "[l](http://203.0.113.5/)", "<img src=x>",
    "<a href=http://203.0.113.5/>a</a>", "**b**", "# h", "$x$", ":red[r]", "`c`",
    "http://203.0.113.5/", "www.example.com", "a@example.com", "\\", '"', "'", ",", ";",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=6)), min_size=1, max_size=8
).map("".join)


def examples(n: int) -> int:
    """``n`` examples under the ``ci`` profile, scaled with the loaded profile's
    ``max_examples`` (ten times under ``nightly``: tests/conftest.py)."""
    return max(1, round(n * settings.default.max_examples / 100))
