"""What a run is checked against (bands.json, measured on the real data), and the check itself.

Each recipe and backend has, in ``bands.json`` (written by ``scripts/measure_bands.py``):

- ``runs``: one run per seed (0-4), each with the settings that change numerics (threads,
  CPU, oneDNN); ``references``: seed 0 again, at other thread counts and repeated;
- ``tolerance``: per metric, the largest difference measured between those runs of seed 0,
  at least the printing resolution: how far a correct run of the same seed may land;
- a band per metric: the seeds' range widened by ``margins``, the check that holds on any
  machine; or, for recipes whose point is that they do not train, a ``claim``.

``check(record)`` holds a run to its same-seed reference (when one was measured on this kind
of CPU) and to its band or claim, prints each comparison, and raises if one fails; a claim
that fails on numerics nobody measured (another CPU model, a GPU, or a machine that
``D2L_NUMERICS=other`` says does not reproduce the measured runs) is printed and warned.
"""
import json
import math
import os
import statistics
import warnings

from . import config

BANDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bands.json')
METRICS = ('loss', 'train_acc', 'test_acc')
MARGINS = {'loss': 0.10, 'train_acc': 0.03, 'test_acc': 0.03}  # loss: relative, acc: absolute
# The smallest tolerance: d2lzh's epoch lines print accuracies with 3 decimals, losses with 4.
RESOLUTION = {'loss': 1e-4, 'train_acc': 1e-3, 'test_acc': 1e-3}
LN10 = math.log(10)


class OutOfBandError(AssertionError):
    """A training run ended outside what was measured for its recipe and backend."""


class ClaimWarning(UserWarning):
    """A claim failed for a run whose numerics (CPU, GPU) were never measured."""


def _claim_collapses(record):
    """The net's output no longer depends on its input: one class for every test image
    (accuracy exactly 0.1 on the balanced test set) and the loss at ln 10."""
    return record.test_acc == 0.1 and abs(record.loss - LN10) <= 2e-3, (
        f'test_acc {record.test_acc:.4f} == 0.1000 and |loss - ln 10| '
        f'{abs(record.loss - LN10):.4f} <= 0.002')


def _claim_stays_at_chance(record):
    """The net never gets better than guessing: no epoch's loss below ln 10 (less 1e-3), and
    the last epoch's loss within 1e-3 of it."""
    lowest = min(e['loss'] for e in record.epochs)
    last = abs(record.loss - LN10)
    return lowest >= LN10 - 1e-3 and last <= 1e-3, (
        f'lowest epoch loss {lowest:.4f} >= ln 10 - 0.001 and |last loss - ln 10| {last:.4f} '
        '<= 0.001')


def _claim_learns(record):
    """A capped run still learns: its last epoch's loss is below its first epoch's."""
    first, last = record.epochs[0]['loss'], record.epochs[-1]['loss']
    return last < first, f'last epoch loss {last:.4f} < first epoch loss {first:.4f}'


CLAIMS = {'collapses': _claim_collapses, 'stays-at-chance': _claim_stays_at_chance,
          'learns': _claim_learns}


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
    if not recipe:
        raise ValueError('this run has no recipe name, so it has no band; pass recipe= to the '
                         'trainer (or to d2l.recorded)')
    name = config.profile(capped)
    return f'{recipe}/{backend}' + ('' if name == 'full' else f'@{name}')


def band(values, metric):
    """The band of a metric: the observed range widened by MARGINS (loss relative)."""
    lo, hi = min(values), max(values)
    if metric == 'loss':
        return [round(lo * (1 - MARGINS[metric]), 4), round(hi * (1 + MARGINS[metric]), 4)]
    return [round(max(lo - MARGINS[metric], 0), 4), round(min(hi + MARGINS[metric], 1), 4)]


def tolerance(runs, metric):
    """The largest difference between runs of one seed, at least the printing resolution."""
    values = [run[metric] for run in runs]
    return round(max(max(values) - min(values), RESOLUTION[metric]), 4)


def numerics(host):
    """What must match for two runs of one seed to be comparable digit for digit."""
    return {k: host.get(k) for k in ('cpu', 'threads', 'onednn')}


def on_cpu(record):
    """Whether the run trained on a CPU, where every run in bands.json was measured."""
    return not str(record.device).startswith(('cuda', 'gpu'))


def reference_for(entry, record):
    """The measured run of the record's seed on this CPU (same thread count if there is one);
    None on a GPU, or where D2L_NUMERICS=other says this machine computes other digits."""
    if record.seed is None or not on_cpu(record) or config.other_numerics():
        return None
    mine = numerics(record.host)
    same_cpu = [run for run in entry.get('runs', []) + entry.get('references', [])
                if run['seed'] == record.seed and run['host'].get('cpu') == mine['cpu']]
    exact = [run for run in same_cpu if numerics(run['host']) == mine]
    return (exact or same_cpu or [None])[0]


def has_reference(record, key, path=None):
    """Whether ``key`` has a measured run of the record's seed on this CPU model (and the
    record trained on a CPU, and D2L_NUMERICS does not say 'other'): where chaotic outcomes
    are known to repeat."""
    return reference_for(load(path)['bands'][_resolve(key)], record) is not None


def _check_reference(key, entry, record, failures):
    reference = reference_for(entry, record)
    where = f"seed {record.seed}, {record.host.get('threads')} thread(s)"
    if reference is None:
        why = (' (D2L_NUMERICS=other: this machine does not reproduce the measured runs)'
               if config.other_numerics() else '')
        print(f"{key}: no same-seed reference for {where} on {record.host.get('cpu')}{why}; "
              'band only')
        return
    print(f"{key}: same-seed reference ({where}; measured with "
          f"{reference['host'].get('threads')} thread(s) on this CPU model)")
    for metric in METRICS:
        value, ref, tol = getattr(record, metric), reference[metric], entry['tolerance'][metric]
        diff = abs(value - ref)
        ok = diff <= tol
        print(f"  {metric:<9} {value:.4f}  reference {ref:.4f}  |diff| {diff:.4f} "
              f"{'<=' if ok else 'EXCEEDS'} tolerance {tol:.4f}")
        if not ok:
            failures.append(f'{metric} {value:.4f} differs from the seed-{record.seed} reference '
                            f'{ref:.4f} by {diff:.4f} > {tol:.4f}')


def as_record(run, backend='?', recipe=None):
    """A RunRecord holding a measured run's per-epoch numbers (for its claim)."""
    from .core import RunRecord
    record = RunRecord(backend, '?', '?', recipe, run['seed'])
    for epoch in run['epochs']:
        record.add_epoch(epoch['loss'], epoch['train_acc'], epoch['test_acc'], 1.0, 1)
    return record


def _check_band_or_claim(key, entry, record, failures):
    claim = entry.get('claim')
    # A claim holds for the seeds it was measured to hold for; another seed gets the band.
    if claim and record.seed not in entry.get('claim_seeds', []):
        print(f"{key}: claim '{claim}' was not measured to hold for seed {record.seed} "
              f"(only seeds {entry.get('claim_seeds')}); band instead")
        claim = None
    if claim:
        ok, text = CLAIMS[claim](record)
        print(f"{key}: claim '{claim}': {text} {'holds' if ok else 'FAILS'}")
        if ok:
            return
        if reference_for(entry, record) is None:
            # A claim is about a chaotic outcome (a collapse, a few capped steps) measured on
            # the CPU model in bands.json; other numerics may land elsewhere, so say so loudly
            # and go on, where on the measured CPU the same failure is a regression.
            measured = sorted({run['host'].get('cpu') for run in entry['runs']})
            other = (' on a machine that D2L_NUMERICS=other says computes other digits'
                     if config.other_numerics() else '')
            message = (f"{key}: claim '{claim}' fails ({text}), but it was measured on "
                       f"{', '.join(measured)} (CPU) and this run trained on {record.device} "
                       f"with {record.host.get('cpu')}{other}: other numerics, reported, "
                       'not raised')
            print(message)
            warnings.warn(message, ClaimWarning, stacklevel=3)
            return
        failures.append(f"claim '{claim}' fails: {text}")
        return
    seeds = ', '.join(str(run['seed']) for run in entry['runs'])
    print(f'{key}: band over seeds {seeds}')
    for metric in METRICS:
        value, (lo, hi) = getattr(record, metric), entry[metric]
        inside = lo <= value <= hi
        print(f'  {metric:<9} {value:.4f}  {"in" if inside else "OUTSIDE"} band [{lo}, {hi}]')
        if not inside:
            failures.append(f'{metric} {value:.4f} not in [{lo}, {hi}]')


def check(record, key=None, path=None):
    """Hold a run to its same-seed reference and to its band (or claim); raise if one fails.

    A capped run (D2L_MAX_*) is held to what was measured under the same caps. Returns None,
    so a cell ending with it shows only the printed lines."""
    if not record.epochs:
        raise OutOfBandError(f'{record.recipe}/{record.backend}: the run has no epochs to check '
                             '(num_epochs was 0, or D2L_MAX_EPOCHS capped it to nothing)')
    capped = record.caps
    key = key or key_for(record.recipe, record.backend, capped)
    table = load(path)['bands']
    if key not in table:
        caps = ' '.join(f'D2L_{k.upper()}={v}' for k, v in capped.items())
        raise KeyError(f'no band for {key!r}; measure it with `{caps + " " if caps else ""}'
                       f'python scripts/measure_bands.py --recipes {record.recipe}`'
                       + ('' if caps else ' (add --no-caps if scripts/recipes.py caps it)'))
    entry, failures = table[key], []
    _check_reference(key, entry, record, failures)
    _check_band_or_claim(key, entry, record, failures)
    if failures:
        raise OutOfBandError(f'{key}: ' + '; '.join(failures))


def spread(values):
    """'mean ± sd [min, max]' of a few final metrics (sd 0 for a single value)."""
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.4f} ± {sd:.4f} [{min(values):.4f}, {max(values):.4f}]'


def _resolve(key):
    """A key as given, or, without '@profile', in the profile this process runs under;
    'recipe/backend@full' names the full-data entry whatever the caps."""
    if key.endswith('@full'):
        return key[:-len('@full')]
    return key if '@' in key else key_for(*key.split('/'))


def values(key, metric='test_acc', path=None):
    """The final ``metric`` of each seed's run of ``key``."""
    return [run[metric] for run in load(path)['bands'][_resolve(key)]['runs']]


def summary(keys, path=None):
    """Print, per key, final loss and test accuracy over the seeds: mean ± sd [min, max]."""
    table = load(path)['bands']
    keys = [_resolve(key) for key in keys]
    width = max([24] + [len(key) + 1 for key in keys])
    print(f'{"recipe/backend":<{width}} {"seeds":>5}  {"loss":<30} test acc')
    for key in keys:
        runs = table[key]['runs']
        cells = [spread([run[metric] for run in runs]) for metric in ('loss', 'test_acc')]
        print(f'{key:<{width}} {len(runs):>5}  {cells[0]:<30} {cells[1]}')


class Comparison:
    """Two recipes' seeds compared on one metric: the mean difference and whether ranges overlap."""

    def __init__(self, a, b, metric, path=None):
        self.a, self.b, self.metric = a, b, metric
        self.a_values, self.b_values = values(a, metric, path), values(b, metric, path)
        self.diff = statistics.mean(self.a_values) - statistics.mean(self.b_values)
        self.overlap = (min(self.a_values) <= max(self.b_values)
                        and min(self.b_values) <= max(self.a_values))

    def __str__(self):
        return (f'{self.a} − {self.b}: {self.metric} mean {self.diff:+.4f}; seed ranges '
                f'[{min(self.a_values):.4f}, {max(self.a_values):.4f}] and '
                f'[{min(self.b_values):.4f}, {max(self.b_values):.4f}] '
                f'{"overlap" if self.overlap else "do not overlap"}')


def compare(a, b, metric='test_acc', path=None):
    """Print and return how recipe ``a``'s seeds compare with ``b``'s on ``metric``."""
    comparison = Comparison(a, b, metric, path)
    print(comparison)
    return comparison
