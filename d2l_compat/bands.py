"""Accuracy bands measured on the real data (bands.json) and the check notebooks run."""
import json
import os
import statistics

BANDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bands.json')
METRICS = ('loss', 'train_acc', 'test_acc')


class OutOfBandError(AssertionError):
    """A training run ended outside the band measured for its recipe and backend."""


def load(path=None):
    """The bands file as a dict; a missing or corrupt file is named in the error."""
    path = path or BANDS_FILE
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(
            f'{path}: no bands file; run `python scripts/measure_bands.py`') from None
    except json.JSONDecodeError as e:
        raise ValueError(f'{path}: not a bands file ({e})') from e


def key_for(recipe, backend, capped=None):
    """'recipe/backend' on the full data, 'recipe/backend@profile' under caps (config.profile)."""
    from .config import profile
    name = profile(capped)
    return f'{recipe}/{backend}' + ('' if name == 'full' else f'@{name}')


def check(record, key=None, path=None):
    """Print each final metric beside its band; raise OutOfBandError if one is outside.

    A capped run (D2L_MAX_*) is held to the band measured under the same caps, never to
    the full-data one. Returns None, so a cell ending with it shows only the printed lines."""
    capped = record.caps
    key = key or key_for(record.recipe, record.backend, capped)
    bands = load(path)['bands']
    if key not in bands:
        caps = ' '.join(f'D2L_{k.upper()}={v}' for k, v in capped.items())
        raise KeyError(f'no band for {key!r}; measure it with `{caps + " " if caps else ""}'
                       f'python scripts/measure_bands.py --recipes {record.recipe}`'
                       + ('' if caps else ' (add --no-caps if scripts/recipes.py caps it)'))
    failures = []
    for metric in METRICS:
        value, (lo, hi) = getattr(record, metric), bands[key][metric]
        inside = value is not None and lo <= value <= hi
        print(f'{key} {metric} {value:.4f} {"in" if inside else "OUTSIDE"} band [{lo}, {hi}]')
        if not inside:
            failures.append(f'{metric} {value:.4f} not in [{lo}, {hi}]')
    if failures:
        raise OutOfBandError(f'{key}: ' + '; '.join(failures))


def spread(values):
    """'mean ± sd [min, max]' of a few final metrics (sd 0 for a single value)."""
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.4f} ± {sd:.4f} [{min(values):.4f}, {max(values):.4f}]'


def summary(keys, path=None):
    """Print, per key, final loss and test accuracy over the banded seeds: mean ± sd [min, max].

    A key without '@profile' means the profile this process runs under (its D2L_MAX_* caps);
    'recipe/backend@full' names the full-data band whatever the caps."""
    bands = load(path)['bands']
    keys = [key[:-len('@full')] if key.endswith('@full') else
            key if '@' in key else key_for(*key.split('/')) for key in keys]
    width = max([24] + [len(key) + 1 for key in keys])
    print(f'{"recipe/backend":<{width}} {"seeds":>5}  {"loss":<30} test acc')
    for key in keys:
        runs = bands[key]['runs']
        cells = [spread([run[metric] for run in runs]) for metric in ('loss', 'test_acc')]
        print(f'{key:<{width}} {len(runs):>5}  {cells[0]:<30} {cells[1]}')
