"""What a run is checked against (bands.json, measured on the real data), and the check itself.

Each recipe and backend has, in ``bands.json`` (written by ``python -m d2l_lenet.measure``):

- ``runs``: one run per seed (0-4), the band's runs; ``references`` and ``variants``: seed 0
  again under other numerics (thread counts, another CPU, another instruction set, a GPU);
- ``tolerance``: per metric, how far a correct run of seed 0 may land from the seed-0 run,
  measured over those variants (``d2l_lenet.tolerances`` says how, and tests recompute it);
- ``chaotic``: where the variants part by more than a bug would; such a recipe has no
  same-seed reference on any machine, only its band or claim;
- the same three for GPU runs under ``gpu``, where GPU runs were measured (a GPU's kernels
  are not deterministic run to run, so its runs are a class of their own);
- a band per metric: the seeds' range widened by ``margins``; or, for recipes whose point is
  that they do not train, a ``claim``, with ``other_mode``, the band of the measured runs that
  did not make it, where some variant did not.

``evaluate(record)`` compares a run with all of this and returns a ``Verdict``; ``check``
prints it (in the notebook's language) and raises if it failed. The same checks apply on
every machine: nothing here looks at which CPU or GPU ran the record.
"""
import dataclasses
import json
import math
import os
import statistics

from . import config

BANDS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bands.json')
METRICS = ('loss', 'train_acc', 'test_acc')
MARGINS = {'loss': 0.10, 'train_acc': 0.03, 'test_acc': 0.03}  # loss: relative, acc: absolute
LN10 = math.log(10)


class OutOfBandError(AssertionError):
    """A training run ended outside what was measured for its recipe and backend."""


class NoBandError(OutOfBandError, LookupError):
    """A run whose recipe, backend and caps were never measured: nothing to hold it to."""


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
# A 'learns' claim says little on its own (a slower learner learns too): it comes with the band.
CLAIMS_WITH_BAND = {'learns'}


def load(path=None):
    """The bands file as a dict; a missing or corrupt file is named in the error."""
    path = path or BANDS_FILE
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(
            f'{path}: no bands file; run `python -m d2l_lenet.measure`') from None
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


def as_record(run, backend='?', recipe=None):
    """A RunRecord holding a measured run's per-epoch numbers (for its claim)."""
    from .core import RunRecord
    record = RunRecord(backend, '?', '?', recipe, run['seed'])
    for epoch in run['epochs']:
        record.add_epoch(epoch['loss'], epoch['train_acc'], epoch['test_acc'], 1.0, 1)
    return record


@dataclasses.dataclass
class Limit:
    """One metric held to one thing: a reference within a tolerance, or a band."""
    kind: str  # 'reference' | 'band'
    metric: str
    value: float
    bounds: tuple  # (reference, tolerance) or (lo, hi)

    @property
    def ok(self):
        if self.kind == 'reference':
            reference, tol = self.bounds
            return abs(self.value - reference) <= tol
        lo, hi = self.bounds
        return lo <= self.value <= hi


@dataclasses.dataclass
class Verdict:
    """What ``evaluate`` found: the key, why the run was held to what, and each comparison."""
    key: str
    seed: int = None
    stale_seed: int = None  # set_seed(this) was already used by an earlier run
    chaotic: bool = False
    reference_seed: int = None  # the seed whose reference the run was held to
    variants: int = 0  # how many numerics variants the tolerance was measured over
    comparisons: list = dataclasses.field(default_factory=list)
    band_seeds: list = dataclasses.field(default_factory=list)
    claim: str = None
    claim_text: str = None
    claim_holds: bool = None
    claim_skipped: str = None  # a claim measured for other seeds only: why the band instead
    other_mode: list = None  # variant names whose runs make up the claim's other mode

    @property
    def failures(self):
        found = [c for c in self.comparisons if not c.ok]
        if self.claim is not None and not self.claim_holds and not self._in_other_mode():
            found.append(self.claim)
        return found

    def _in_other_mode(self):
        mode = [c for c in self.comparisons if c.kind == 'band' and self.other_mode]
        return bool(mode) and all(c.ok for c in mode)

    @property
    def ok(self):
        return not self.failures

    @property
    def label(self):
        """One word for tables: how the run was held, and whether it passed."""
        if not self.ok:
            return 'OUT OF BAND'
        if self.claim is not None:
            return 'claim holds' if self.claim_holds else 'other mode'
        return 'in band'


def on_gpu(device):
    """Whether a run's device is a GPU (its numerics are measured as a class of their own)."""
    return str(device).startswith(('cuda', 'gpu'))


def numerics_class(entry, record):
    """The tolerance, chaos and other mode measured for the record's class of numerics (CPU,
    or GPU where GPU runs were measured), with how many runs of seed 0 they rest on."""
    gpu = on_gpu(record.device) and 'gpu' in entry
    fields = dict(entry['gpu'] if gpu else entry)
    fields['variations'] = sum(
        on_gpu(run.get('settings', {}).get('device', '')) == gpu
        for run in entry.get('references', []) + entry.get('variants', []))
    return fields


def evaluate(record, key=None, path=None):
    """Compare a run with what was measured for its recipe; a ``Verdict`` (never raises for a
    run out of band; raises NoBandError when nothing was measured for it)."""
    if not record.epochs:
        raise OutOfBandError(f'{record.recipe}/{record.backend}: the run has no epochs to check '
                             '(num_epochs was 0, or D2L_MAX_EPOCHS capped it to nothing)')
    key = key or key_for(record.recipe, record.backend, record.caps)
    table = load(path)['bands']
    if key not in table:
        raise NoBandError(_no_band_message(key, record))
    entry = table[key]
    numerics = numerics_class(entry, record)
    verdict = Verdict(key, seed=record.seed, stale_seed=getattr(record, 'stale_seed', None),
                      chaotic=bool(numerics.get('chaotic')), variants=numerics['variations'])
    reference = next((run for run in entry['runs'] if run['seed'] == record.seed), None)
    if reference is not None and not verdict.chaotic:
        verdict.reference_seed = record.seed
        verdict.comparisons += [
            Limit('reference', m, getattr(record, m), (reference[m], numerics['tolerance'][m]))
            for m in METRICS]
    claim = entry.get('claim')
    if claim and record.seed not in entry.get('claim_seeds', []):
        verdict.claim_skipped = claim
        claim = None
    if claim:
        verdict.claim = claim
        verdict.claim_holds, verdict.claim_text = CLAIMS[claim](record)
        if not verdict.claim_holds and numerics.get('other_mode'):
            mode = numerics['other_mode']
            verdict.other_mode = mode['variants']
            verdict.comparisons += [Limit('band', m, getattr(record, m), tuple(mode[m]))
                                    for m in METRICS]
            return verdict
        if claim not in CLAIMS_WITH_BAND:
            return verdict
    verdict.band_seeds = [run['seed'] for run in entry['runs']]
    verdict.comparisons += [Limit('band', m, getattr(record, m), tuple(entry[m]))
                            for m in METRICS]
    return verdict


def _no_band_message(key, record):
    caps = ' '.join(f'D2L_{k.upper()}={v}' for k, v in record.caps.items())
    numbers = ', '.join(f'{m} {getattr(record, m):.4f}' for m in METRICS)
    return (f'no band for {key!r}: nothing was measured for this recipe with these caps, so '
            f'this run ({numbers}) is not checked; measure it with `{caps + " " if caps else ""}'
            f'python -m d2l_lenet.measure --recipes {record.recipe}`'
            + ('' if caps else ' (add --no-caps if d2l_lenet.recipes caps it)'))


TEXT = {  # what check prints, per notebook language
    'en': {
        'stale': '{key}: seed {seed} was already used by an earlier run in this kernel (the cell '
                 'ran again without d2l.set_seed): this is a different run, not seed {seed}\'s; '
                 'it is held to the band only, and a difference from the committed output is '
                 'expected. Re-run from the set_seed cell to reproduce it.',
        'unseeded': '{key}: no d2l.set_seed before this run: held to the band only',
        'chaotic': '{key}: a chaotic recipe (runs of one seed under other numerics part by more '
                   'than a bug would): no same-seed reference, only what holds over seeds',
        'reference': '{key}: same seed as a measured run (seed {seed}); tolerance measured over '
                     '{variants} runs of seed 0 under other numerics',
        'ref_line': '  {metric:<9} {value:.4f}  reference {ref:.4f}  within {tol:.4f}: {ok}',
        'band': '{key}: band over seeds {seeds} (their range, widened by the margins)',
        'band_line': '  {metric:<9} {value:.4f}  band [{lo}, {hi}]: {ok}',
        'claim': "{key}: claim '{claim}': {text}: {ok}",
        'claim_skipped': "{key}: claim '{claim}' was measured to hold for other seeds only; band "
                         'instead',
        'other_mode': "{key}: the other mode, measured where a variant did not make the claim "
                      '({variants}):',
        'yes': 'yes', 'no': 'NO', 'holds': 'holds', 'fails': 'FAILS',
        'failed': 'FAILED: {failures}. The run is not what was measured for this recipe: '
                  'look for a changed setting (learning rate, initialisation, data) above.',
    },
    'zh': {
        'stale': '{key}：种子 {seed} 已被本内核里更早的一次运行用过（没有重新执行 d2l.set_seed 就重跑了'
                 '这个单元格），所以这是另一次运行，不是种子 {seed} 的那次；只与条带比较，和提交的输出'
                 '不同是正常的。要复现它，从 set_seed 所在的单元格重新运行。',
        'unseeded': '{key}：这次运行之前没有 d2l.set_seed：只与条带比较',
        'chaotic': '{key}：混沌的配方（同一种子换一种数值细节，结果的差别比一个错误造成的还大）：'
                   '不与同种子的参考比较，只检查对各个种子都成立的东西',
        'reference': '{key}：与测量过的一次运行同一种子（种子 {seed}）；容差由种子 0 在 {variants} '
                     '种不同数值细节下的运行测得',
        'ref_line': '  {metric:<9} {value:.4f}  参考 {ref:.4f}  容差 {tol:.4f}：{ok}',
        'band': '{key}：种子 {seeds} 的条带（它们的范围，再加上余量）',
        'band_line': '  {metric:<9} {value:.4f}  条带 [{lo}, {hi}]：{ok}',
        'claim': "{key}：断言 '{claim}'：{text}：{ok}",
        'claim_skipped': "{key}：断言 '{claim}' 只对别的种子测过；改用条带",
        'other_mode': "{key}：另一种结果（有的数值细节下断言不成立，{variants}）的条带：",
        'yes': '在内', 'no': '超出', 'holds': '成立', 'fails': '不成立',
        'failed': '检查失败：{failures}。这次运行和为这个配方测量的不一致：检查上面是否改了设置'
                  '（学习率、初始化、数据）。',
    },
}


def render(verdict, lang='zh'):
    """The verdict as the lines ``check`` prints, in ``lang`` ('zh' or 'en')."""
    t, key, lines = TEXT[lang], verdict.key, []
    if verdict.stale_seed is not None:
        lines.append(t['stale'].format(key=key, seed=verdict.stale_seed))
    elif verdict.seed is None:
        lines.append(t['unseeded'].format(key=key))
    elif verdict.chaotic:
        lines.append(t['chaotic'].format(key=key))
    refs = [c for c in verdict.comparisons if c.kind == 'reference']
    if refs:
        lines.append(t['reference'].format(key=key, seed=verdict.reference_seed,
                                           variants=verdict.variants))
        lines += [t['ref_line'].format(metric=c.metric, value=c.value, ref=c.bounds[0],
                                       tol=c.bounds[1], ok=t['yes'] if c.ok else t['no'])
                  for c in refs]
    if verdict.claim_skipped:
        lines.append(t['claim_skipped'].format(key=key, claim=verdict.claim_skipped))
    if verdict.claim:
        lines.append(t['claim'].format(key=key, claim=verdict.claim, text=verdict.claim_text,
                                       ok=t['holds'] if verdict.claim_holds else t['fails']))
    bands_ = [c for c in verdict.comparisons if c.kind == 'band']
    if bands_:
        if verdict.other_mode and not verdict.claim_holds:
            lines.append(t['other_mode'].format(key=key, variants=', '.join(verdict.other_mode)))
        else:
            lines.append(t['band'].format(key=key,
                                          seeds=', '.join(map(str, verdict.band_seeds))))
        lines += [t['band_line'].format(metric=c.metric, value=c.value, lo=c.bounds[0],
                                        hi=c.bounds[1], ok=t['yes'] if c.ok else t['no'])
                  for c in bands_]
    if not verdict.ok:
        lines.append(t['failed'].format(failures=', '.join(
            f if isinstance(f, str) else f'{f.metric} ({f.kind})' for f in verdict.failures)))
    return '\n'.join(lines)


def check(record, key=None, path=None, lang='zh'):
    """Hold a run to its same-seed reference and to its band (or claim), print how, in the
    notebook's language, and raise if it failed. A capped run (D2L_MAX_*) is held to what was
    measured under the same caps. Returns None, so a cell ending with it shows only the lines."""
    verdict = evaluate(record, key, path)
    print(render(verdict, lang))
    if not verdict.ok:
        raise OutOfBandError(f'{verdict.key}: ' + '; '.join(
            f if isinstance(f, str) else
            f'{f.metric} {f.value:.4f} outside {f.kind} {f.bounds}' for f in verdict.failures))


def full_run_estimate(runs, path=None, gpu_records=()):
    """Print, for each (key, epochs) of a full run, the time it takes on a CPU: the mean
    seconds per epoch of that key's full-data runs in bands.json (or of its '@epochsN' runs,
    all examples but fewer epochs) times ``epochs``; and on a GPU, from ``gpu_records`` (run
    records of full-data GPU runs, e.g. results/gpu-h100); or that none were measured."""
    table = load(path)['bands']
    for key, epochs in runs:
        measured = [k for k in (key, *sorted(k for k in table if k.startswith(key + '@epochs')))
                    if k in table]
        if not measured:
            print(f'{key}: 完整数据上没有在 CPU 上测过每轮的时间')
        else:
            entry = table[measured[0]]
            per_epoch = statistics.mean(run['seconds_per_epoch'] for run in entry['runs'])
            threads = sorted({run['host'].get('threads') for run in entry['runs']})
            print(f'{key}: CPU 上每轮约 {per_epoch:.0f} s（{measured[0]}，{len(entry["runs"])} 次运行，'
                  f'{threads} 个线程），{epochs} 轮约 {per_epoch * epochs / 60:.0f} 分钟')
        if gpu_records:
            print('  ' + _gpu_estimate(key, epochs, gpu_records))


def _gpu_estimate(key, epochs, records):
    """One line: the GPU's seconds per epoch for ``key``'s recipe, on its backend if measured
    there, else on the backend that was."""
    recipe, backend = key.split('@')[0].split('/')
    full = [r for r in records if r.recipe == recipe and not r.caps and r.epochs]
    mine = [r for r in full if r.backend == backend]
    if not full:
        return f'GPU 上没有 {recipe} 在完整数据上的记录'
    chosen = mine or full
    per_epoch = statistics.mean(e['seconds'] for r in chosen for e in r.epochs)
    where = '' if mine else f'（{backend} 没有 GPU 记录；这是 {chosen[0].backend} 的）'
    return (f'GPU（{chosen[0].device}）上每轮约 {per_epoch:.1f} s{where}，{epochs} 轮约 '
            f'{per_epoch * epochs / 60:.1f} 分钟（{len(chosen)} 次运行同时占用一块 GPU 时测的）')


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
