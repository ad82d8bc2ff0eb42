"""Project tools run as modules from the checkout: ``python -m scripts.serve`` and so on."""
