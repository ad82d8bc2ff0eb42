"""The words every layer shares: who a delay is attributed to, the grant's elements,
the year under review. Declared once; data, rules, reports and the app read them here.

>>> ATTRIBUTIONS[0], ATTRIBUTION_LABELS["nhs"], ELEMENT_LABELS["spring_budget"]
('social_care', 'NHS', 'Spring Budget 2017')
"""

from __future__ import annotations

from typing import Literal, get_args

# Who a delayed day is attributed to, as NHS England's DToC returns report it.
Attribution = Literal["social_care", "social_care_and_both", "nhs", "total"]
ATTRIBUTIONS: tuple[Attribution, ...] = get_args(Attribution)
ATTRIBUTION_LABELS: dict[str, str] = {
    "social_care": "social care",
    "social_care_and_both": "social care and both",
    "nhs": "NHS",
    "total": "all organisations",
}

# The two elements of the 2018/19 iBCF: the original (2015 Spending Review) grant and
# the Spring Budget 2017 addition.
Element = Literal["original", "spring_budget"]
ELEMENTS: tuple[Element, ...] = get_args(Element)
ELEMENT_LABELS: dict[str, str] = {
    "original": "original iBCF",
    "spring_budget": "Spring Budget 2017",
}
# What a scenario's shares apply to (``consequences.base``): one element or both.
# A test by what it measures, with no month or attribution of its own (those are an
# option's settings): the words of an option in the designer.
TEST_KIND_LABELS: dict[str, str] = {
    "rate": "DToC rate",
    "gap": "gap to expectation",
    "trend": "3-month change",
}

BASE_LABELS: dict[str, str] = {
    "spring_budget": "Spring Budget 2017 element",
    "original": "original element",
    "total": "total 2018/19 iBCF",
}

# The financial year whose allocations are under review.
YEAR = "2018/19"
