"""Drop-in d2lzh / d2l helpers for the LeNet chapter, one module per backend.

``from d2l_compat import mxnet as d2l`` replaces ``import d2lzh as d2l``;
``from d2l_compat import torch as d2l`` replaces ``from d2l import torch as d2l``.
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
