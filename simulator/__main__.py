"""``python -m simulator``: the same as the ``ibcf`` command."""

import sys

from simulator.cli import main

sys.exit(main())
