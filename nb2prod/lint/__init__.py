"""`nb2prod lint`: notebook smell rules over the notebook model and analysis facts.

`rule.py` defines what a rule is, `registry.py` lists them, `engine.py` runs them on one
notebook, `runner.py` on many files (cache, processes), `noqa.py` handles suppression.
"""
