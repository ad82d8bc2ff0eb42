"""The engine: one scenario on one dataset to a per-council result whose ledger
balances to the pound (:mod:`simulator.engine.run`), and many variants of one
scenario at once (:mod:`simulator.engine.sweep`)."""
