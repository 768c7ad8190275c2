"""The book's editions: each a module naming what its upstream package offers, bound to a backend.

An edition module has ``NAMES`` (what ``from d2l import torch as d2l`` or ``import d2lzh``
gives the section's code) and ``bind(backend) -> {name: object}``, written once over the
backend's hooks. A backend module exports the union (``d2l_compat.backend.export``), as
upstream's one ``d2l.torch`` holds §6.6's ``train_ch6`` beside d2l-en's ``Trainer``.
"""
from . import course, d2l_en, d2l_v2, d2lzh

# edition -> its module; 'course' is what this project adds on every edition
EDITIONS = {'d2lzh': d2lzh, 'd2l-zh-v2': d2l_v2, 'd2l-en': d2l_en, 'course': course}


def public_names():
    """Every edition's names, once each, sorted."""
    return tuple(sorted({name for module in EDITIONS.values() for name in module.NAMES}))


def loop(trainer):
    """The epoch loop of the trainer named ``trainer`` ('train_ch5', 'train_ch6', ...)."""
    for module in EDITIONS.values():
        if trainer in getattr(module, 'LOOPS', {}):
            return module.LOOPS[trainer]
    raise KeyError(f'no edition has a loop named {trainer!r}')


def bind(backend):
    """{name: object} of every edition bound to ``backend`` (later editions do not override)."""
    bound = {}
    for module in EDITIONS.values():
        for name, value in module.bind(backend).items():
            bound.setdefault(name, value)
    return bound
