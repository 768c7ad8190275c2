"""The project's own tooling: recipes, measurement, tolerances, report, bench and test driver.

Students import ``d2l_compat``; nothing here is needed to run the book's code. Each module is
one concern, run as ``python -m d2l_lenet.<module>``.
"""
