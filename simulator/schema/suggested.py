"""What an editor offers when an optional section or limit is switched on.

The sections are built from their declared models, so every field not named here
takes its declared default; the months come from the review's own documents.
"""

from __future__ import annotations

from simulator.schema.consequences import Release
from simulator.schema.selection import Exemption, Window

# October 2017 letter: the July 2017 data selected councils, and "significant performance
# improvements in the September data" could exempt them.
EXEMPTION = Exemption(baseline=Window(end="2017-07"), check=Window(end="2017-09"))
# Early 2018: councils that had improved by January 2018 were told a reduction was no
# longer likely.
RELEASE = Release(window=Window(end="2018-01"))
# Limits offered when first switched on (assumptions: round figures near the shipped
# scenarios' £1,500,000 cap and 10% cap on gains).
CAP_GBP = 1_000_000
GAIN_CAP_PCT = 10.0
# The weight of a test the composite score does not list (Composite.weights).
WEIGHT = 1.0
