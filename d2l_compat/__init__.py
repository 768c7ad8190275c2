"""Drop-in d2lzh / d2l helpers for the LeNet chapter, one module per backend.

``from d2l_compat import mxnet as d2l`` replaces ``import d2lzh as d2l`` or
``from d2l import mxnet as d2l``; ``from d2l_compat import torch as d2l`` replaces
``from d2l import torch as d2l``. Each offers every edition's names (``editions/``): d2lzh's
§5.5, d2l-zh v2's §6.6 and d2l-en 1.0's §7.6 object-oriented API.
Importing this package imports no framework: each backend loads on first use, and
``from d2l_compat import *`` loads none.
"""
import importlib

__version__ = "0.1.0"
BACKENDS = ("mxnet", "torch")
__all__ = ["BACKENDS", "__version__"]


def __getattr__(name):
    """Import a backend module lazily, on attribute access."""
    if name in BACKENDS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
