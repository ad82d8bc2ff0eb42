"""Rules: the DToC measures, the tests that select councils, the consequences for
their money and where withheld money goes. One rule, one module."""
