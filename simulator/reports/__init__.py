"""Reports, built from a result for the people who read them: ``words`` (pounds, beds,
phrases), ``summary`` (the option in plain English, caveats, summary.json), ``distance``
and ``card`` (a council's reason card), ``letter``, ``overlap``, ``tables``, ``compare``,
``anonymous`` (workshop labels), ``excel``, ``brief``, ``hexmap``, ``files`` (the command
line's file sets), ``backtest``, ``columns``, ``assumptions`` and ``reference``."""
