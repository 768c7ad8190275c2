"""A pytest plugin for nbval: numbers in a notebook's outputs compared within a tolerance.

nbval compares outputs as strings, so a run that computes the last digits otherwise (another
CPU, instruction set, thread count or GPU) fails on text that says the same thing, and a
sanitizer that cuts digits still flips at rounding edges (0.71 against 0.72). Here, before
nbval compares a cell, each text output is split into numbers and the text between them:

- the text between must be equal, and so must every whole number (shapes, counts, seeds);
- a decimal number may differ by the notebook's tolerance (``tolerance_for``: the largest
  per-epoch tolerance measured for the notebook's recipes in bands.json) plus one unit of its
  last printed digit, the most rounding can add;
- in a cell tagged ``numbers-vary`` (a chaotic recipe's trajectory, which other numerics move
  further: see d2l_lenet.tolerances) only the text between the numbers is compared.

Where all of that holds, the new output is replaced by the stored one and nbval's comparison
passes; elsewhere nbval compares as before and shows the real difference.

    pytest --nbval -p d2l_lenet.nbval_numbers NOTEBOOK
"""
import copy
import functools
import pathlib
import re

VARY_TAG = 'numbers-vary'
NUMBER = re.compile(r'(?<![\w.])([-+]?\d+\.\d+(?:[eE][-+]?\d+)?|[-+]?\d+(?:[eE][-+]?\d+)?)')


def _decimals(token):
    mantissa = token.lower().split('e')[0]
    return len(mantissa.split('.')[1]) if '.' in mantissa else 0


def _is_decimal(token):
    return '.' in token or 'e' in token.lower()


def align(ref, test, tolerance, vary=False):
    """``ref`` where ``test`` says the same within ``tolerance`` (every number when ``vary``),
    else ``test`` unchanged."""
    ref_parts, test_parts = NUMBER.split(ref), NUMBER.split(test)
    if len(ref_parts) != len(test_parts):
        return test
    for i, (a, b) in enumerate(zip(ref_parts, test_parts)):
        if i % 2 == 0 or vary:  # text between numbers, or any number in a numbers-vary cell
            if i % 2 == 0 and a != b:
                return test
            continue
        if not (_is_decimal(a) and _is_decimal(b)):
            if a != b:
                return test
            continue
        slack = tolerance + 10 ** -min(_decimals(a), _decimals(b))
        if abs(float(a) - float(b)) > slack * (1 + 1e-9):
            return test
    return ref


@functools.lru_cache(maxsize=None)
def tolerance_for(notebook):
    """The largest per-epoch tolerance of the notebook's recipes (any metric, CPU runs: what
    make test replays on), or 0."""
    from d2l_compat import bands
    from . import recipes
    path = pathlib.Path(notebook)
    backend = next((b for b, folder in recipes.FOLDERS.items() if folder == path.parent.name),
                   None)
    if backend is None:
        return 0.0
    table = bands.load()['bands']
    found = [0.0]
    for recipe in recipes.recipes_of(path):
        entry = table.get(bands.key_for(recipe, backend, recipes.CAPPED.get(recipe, {})))
        if entry:
            found += entry['epoch_tolerance'].values()
    return max(found)


def _texts(output):
    """(container, key) of each text an output holds."""
    if output.get('output_type') == 'stream':
        return [(output, 'text')]
    data = output.get('data', {})
    return [(data, key) for key in ('text/plain', 'text/markdown') if key in data]


def aligned_outputs(cell, test, ref):
    """Copies of ``test`` and ``ref``, sanitized, with each test text aligned to its stored
    twin (outputs paired by type and stream name, in order)."""
    tolerance = tolerance_for(str(cell.fspath))
    vary = VARY_TAG in cell.cell.get('metadata', {}).get('tags', [])
    test, ref = copy.deepcopy(list(test)), copy.deepcopy(list(ref))
    by_kind = {}
    for output in ref:
        by_kind.setdefault((output.get('output_type'), output.get('name')), []).append(output)
    seen = {}
    for output in test:
        kind = (output.get('output_type'), output.get('name'))
        index = seen[kind] = seen.get(kind, -1) + 1
        twins = by_kind.get(kind, [])
        if index >= len(twins):
            continue
        for (mine, key), (theirs, their_key) in zip(_texts(output), _texts(twins[index])):
            theirs[their_key] = cell.sanitize(theirs[their_key])
            mine[key] = align(theirs[their_key], cell.sanitize(mine[key]), tolerance, vary)
    return test, ref


def pytest_configure(config):
    if not (config.getoption('nbval', False) or config.getoption('nbval_lax', False)):
        return
    from nbval.plugin import IPyNbCell
    original = IPyNbCell.compare_outputs
    if getattr(original, 'aligns_numbers', False):
        return

    def compare_outputs(self, test, ref, skip_compare=None):
        test, ref = aligned_outputs(self, test, ref)
        return original(self, test, ref, skip_compare)

    compare_outputs.aligns_numbers = True
    IPyNbCell.compare_outputs = compare_outputs
