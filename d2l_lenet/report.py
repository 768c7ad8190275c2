"""MXNet vs PyTorch, recipe by recipe: is a gap between them framework numerics or seed noise?

The evidence is of two kinds. Same-start runs (``d2l_lenet/samestart.py``) train both
frameworks from identical weights over the same batches, so whatever parts them is framework
numerics; the seed runs behind the bands (``bands.json``) show how far one framework moves
when only the seed changes. The report sets the first beside the second.
"""
import collections
import contextlib
import datetime
import io
import os
import re
import statistics

from d2l_compat import BACKENDS
from d2l_compat import bands as bands_mod
from d2l_compat.config import profile
from d2l_compat.core import load_records

NAMES = {'mxnet': 'MXNet', 'torch': 'PyTorch'}
METRICS = (('loss', 'final loss', '{:.4f}'), ('train_acc', 'train acc', '{:.4f}'),
           ('test_acc', 'test acc', '{:.4f}'))
CHAPTER = ('lenet-v1', 'lenet-v2', 'lenet-en')  # the book's recipes, first in recipes.py too
SECTIONS = {'lenet-v1': '§5.5', 'lenet-v2': '§6.6', 'lenet-en': '§7.6, d2l-en'}
RTOLS = (1e-4, 1e-2)  # relative |Δ loss| thresholds: float32 round-off, and a visible change
FLOOR = 1e-9  # log axis: a step with no difference is drawn here instead of vanishing
MAKE_SAMESTART = '`make samestart` (writes `results/samestart.jsonl`)'
LOSS_TEST = 'tests/test_samestart.py::test_a_mean_loss_in_place_of_the_sum_shows_within_20_steps'


# ---------------------------------------------------------------- choosing records

def recipe_order(recipe):
    """Sort key: the chapter's recipes first, then exercises by number ('ex2' before 'ex10')."""
    chapter = CHAPTER.index(recipe) if recipe in CHAPTER else len(CHAPTER)
    return chapter, [int(p) if p.isdigit() else p for p in re.split(r'(\d+)', recipe)]


def _when(record):
    """The record's start time; a time without a zone is taken as UTC."""
    when = datetime.datetime.fromisoformat(record.started)
    return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)


def newest(records, key):
    """{key(record): the record that started last}; on a tie the later line wins."""
    table = {}
    for record in records:
        k = key(record)
        if k not in table or _when(record) >= _when(table[k]):
            table[k] = record
    return table


def latest_by_recipe(records):
    """{recipe: {backend: newest notebook run}}; same-start runs are not notebook runs."""
    runs = [r for r in records if r.recipe and r.epochs and not r.start]
    table = collections.defaultdict(dict)
    for (recipe, backend), record in newest(runs, lambda r: (r.recipe, r.backend)).items():
        table[recipe][backend] = record
    return {recipe: table[recipe] for recipe in sorted(table, key=recipe_order)}


def same_start(records):
    """{(recipe, start, seed): {backend: newest same-start record}}."""
    runs = [r for r in records if r.start and r.recipe and r.epochs]
    table = collections.defaultdict(dict)
    for (recipe, start, seed, backend), record in newest(
            runs, lambda r: (r.recipe, r.start, r.seed, r.backend)).items():
        table[recipe, start, seed][backend] = record
    return dict(table)


# ---------------------------------------------------------------- numbers

def first_apart(a, b, rtol):
    """The first step, counted from 1, whose losses differ by more than rtol × |a|; or None."""
    return next((i for i, (x, y) in enumerate(zip(a, b), 1) if abs(x - y) > rtol * abs(x)),
                None)


def relative_gaps(a, b):
    """|a - b| / |a| step by step (|a - b| where a is 0)."""
    return [abs(x - y) / abs(x) if x else abs(x - y) for x, y in zip(a, b)]


def step_text(step):
    return 'never' if step is None else f'step {step}'


def tol(rtol):
    """1e-4, not 0.0001."""
    return f'{rtol:.0e}'.replace('e-0', 'e-')


def parted(step, rtol):
    """'first differ by more than 1e-4 at step 5', or 'never differ by more than 1e-4'."""
    if step is None:
        return f'never differ by more than {tol(rtol)}'
    return f'first differ by more than {tol(rtol)} at step {step}'


def sd(values):
    return statistics.stdev(values) if len(values) > 1 else 0.0


def seed_runs(bands, recipe, backend, caps):
    """The band's per-seed runs of a recipe and backend under ``caps``, or []."""
    return bands.get(bands_mod.key_for(recipe, backend, caps), {}).get('runs') or []


class Gap:
    """One recipe's same-start pair (seed 0) beside each backend's seed spread of test acc."""

    def __init__(self, recipe, pair, bands, start='gluon'):
        mx, pt = pair['mxnet'], pair['torch']
        self.recipe, self.start, self.caps = recipe, start, mx.caps
        self.steps = min(len(mx.steps), len(pt.steps))
        self.apart = {rtol: first_apart(mx.steps, pt.steps, rtol) for rtol in RTOLS}
        self.acc = {b: pair[b].test_acc for b in BACKENDS}
        self.diff = self.acc['mxnet'] - self.acc['torch']
        self.seeds = {b: [r['test_acc'] for r in seed_runs(bands, recipe, b, self.caps)]
                      for b in BACKENDS}
        spread = all(self.seeds.values())
        self.sd = {b: sd(v) for b, v in self.seeds.items()} if spread else None
        self.overlap = (spread and min(self.seeds['mxnet']) <= max(self.seeds['torch'])
                        and min(self.seeds['torch']) <= max(self.seeds['mxnet']))

    def agreement(self):
        """'agree to 1e-4 for the first N of M steps and ...' (steps counted from 1)."""
        if not self.steps:
            return 'have no per-step losses (run them with D2L_RECORD_STEPS=1)'
        parts = []
        for rtol in RTOLS:
            step = self.apart[rtol]
            parts.append(f'to {tol(rtol)} over all {self.steps} steps' if step is None else
                         f'to {tol(rtol)} for the first {step - 1} of {self.steps} steps')
        return 'agree ' + ' and '.join(parts)

    def spread_text(self):
        """Each backend's seed sd and range of final test acc, or why there is none."""
        if not self.sd:
            keys = ', '.join(bands_mod.key_for(self.recipe, b, self.caps) for b in BACKENDS)
            return f'no seed spread (bands.json has no runs for {keys})'
        return ' and '.join(
            f'{NAMES[b]} seeds {len(v)}: sd {self.sd[b]:.4f}, range [{min(v):.4f}, {max(v):.4f}]'
            for b, v in self.seeds.items())

    def label(self):
        """The verdict in a few words: 'seed noise', 'within seed range', 'framework
        difference', or 'no band runs'."""
        if not self.sd:
            return 'no band runs'
        gap, noise = abs(self.diff), max(self.sd.values())
        if noise == 0:
            return 'no seed spread, no gap' if gap == 0 else 'framework difference'
        if gap <= noise:
            return 'seed noise'
        widest = max(max(v) - min(v) for v in self.seeds.values())
        return 'within seed range' if gap <= widest else 'framework difference'

    def weaknesses(self, largest):
        """Why this row's evidence is weak ([] if nothing stands out); ``largest``: the
        largest |same-start gap| of all rows."""
        found = []
        if self.steps and self.steps < 100:
            found.append(f'{self.steps} steps only ({profile(self.caps)})')
        if self.sd:
            found += [f'{NAMES[b]} seed sd 0' for b in BACKENDS if self.sd[b] == 0]
        if abs(self.diff) and abs(self.diff) == largest:
            found.append('the largest same-start gap')
        return found

    def conclusion(self):
        """The same-start gap measured against the seed spread, in words (needs self.sd)."""
        noise, gap = max(self.sd.values()), abs(self.diff)
        if noise == 0 and gap == 0:
            return 'every seed and both frameworks end the same (the seed sd is 0, the gap 0)'
        ratio = (f'the same-start gap |Δ| {gap:.4f} is {gap / noise:.2f}× the larger seed sd'
                 if noise else f'the same-start gap |Δ| {gap:.4f} (the seed sd is 0)')
        if gap <= noise:
            return f'{ratio}: framework numerics are smaller than seed noise here'
        widest = max(max(v) - min(v) for v in self.seeds.values())
        if gap <= widest:
            return f'{ratio} but within the seed range: not told apart from seed noise'
        return f'{ratio} and beyond the seed range: a framework difference'


# ---------------------------------------------------------------- tables and text

def verdict(record, path=None):
    """How bands.evaluate holds a notebook run: 'in band', 'claim holds', 'other mode', 'OUT
    OF BAND', or why there is no band (never raises)."""
    try:
        return bands_mod.evaluate(record, path=path).label
    except (LookupError, ValueError) as e:
        return f'no band ({str(e).splitlines()[0][:60]})'


def seconds_per_epoch(record):
    return sum(e['seconds'] for e in record.epochs) / len(record.epochs)


def recipe_table(runs, bands_path=None):
    """Markdown table of one recipe's notebook runs: a column per backend, their difference."""
    lines = ['| | ' + ' | '.join(NAMES[b] for b in BACKENDS) + ' | MXNet − PyTorch |',
             '|---|---|---|---|']
    get = {b: runs.get(b) for b in BACKENDS}
    for key, label, fmt in METRICS:
        values = [getattr(get[b], key) if get[b] else None for b in BACKENDS]
        cells = [fmt.format(v) if v is not None else '—' for v in values]
        diff = f'{values[0] - values[1]:+.4f}' if None not in values else '—'
        lines.append(f'| {label} | ' + ' | '.join(cells) + f' | {diff} |')
    extra = [('s/epoch', lambda r: f'{seconds_per_epoch(r):.2f}'),
             ('examples/s', lambda r: f'{r.train_examples / seconds_per_epoch(r):,.0f}'),
             ('epochs', lambda r: str(len(r.epochs))),
             ('trainer', lambda r: r.trainer), ('device', lambda r: r.device),
             ('seed', lambda r: str(r.seed)), ('threads', lambda r: str(r.host.get('threads'))),
             ('profile', lambda r: profile(r.caps)), ('band', lambda r: verdict(r, bands_path))]
    for label, fn in extra:
        lines.append(f'| {label} | ' + ' | '.join(fn(get[b]) if get[b] else '—'
                                                  for b in BACKENDS) + ' | |')
    return '\n'.join(lines)


def run_lines(runs, bands_path=None):
    """The notebook runs as text lines whose run-dependent numbers read 'test acc 0.1234'
    (the shape tests/sanitize.cfg cuts to 2 decimals); nothing timed."""
    lines = []
    for b in BACKENDS:
        r = runs.get(b)
        if r:
            lines.append(f'{NAMES[b]} notebook run: loss {r.loss:.4f}, train acc '
                         f'{r.train_acc:.4f}, test acc {r.test_acc:.4f} ({len(r.epochs)} epochs, '
                         f'{r.trainer}, seed {r.seed}, {profile(r.caps)}; '
                         f'{verdict(r, bands_path)})')
        else:
            lines.append(f'{NAMES[b]} notebook run: none recorded')
    if all(runs.get(b) for b in BACKENDS):
        # Absolute values: a sign that flips between replays would defeat the sanitizer.
        gaps = {key: abs(getattr(runs['mxnet'], key) - getattr(runs['torch'], key))
                for key, _, _ in METRICS}
        lines.append('|MXNet − PyTorch|: ' + ', '.join(
            f'{label.replace("final ", "")} {gaps[key]:.4f}' for key, label, _ in METRICS))
    return lines


def seed_table(recipe, bands, caps=None):
    """Mean ± standard deviation and range of the final metrics over the banded seeds."""
    entries = {b: seed_runs(bands, recipe, b, caps or {}) for b in BACKENDS}
    if not all(entries.values()):
        return '_No multi-seed runs for this recipe._'
    lines = [f'Over seeds {", ".join(str(r["seed"]) for r in entries["mxnet"])} '
             f'({len(entries["mxnet"])} runs per backend, `d2l_compat/bands.json`):', '',
             '| | MXNet mean ± sd [min, max] | PyTorch mean ± sd [min, max] | ranges overlap |',
             '|---|---|---|---|']
    for key, label, _ in METRICS:
        values = [[r[key] for r in entries[b]] for b in BACKENDS]
        overlap = min(values[0]) <= max(values[1]) and min(values[1]) <= max(values[0])
        lines.append(f'| {label} | ' + ' | '.join(bands_mod.spread(v) for v in values)
                     + f' | {"yes" if overlap else "no"} |')
    return '\n'.join(lines)


class Report:
    """Everything the report says, computed once from the record files."""

    def __init__(self, records_path, samestart_path=None, bands_path=None):
        if not os.path.exists(records_path):
            raise FileNotFoundError(f'{records_path}: no run records; run `make run` first '
                                    '(or point D2L_RESULTS at a records file)')
        self.records_path, self.samestart_path = records_path, samestart_path
        self.records = load_records(records_path)
        self.runs = latest_by_recipe(self.records)
        if not self.runs:
            raise ValueError(f'{records_path}: no run record names a recipe')
        self.samestart = []
        if samestart_path and os.path.exists(samestart_path):
            self.samestart = load_records(samestart_path)
        self.bands_path = bands_path
        self.bands = bands_mod.load(bands_path)['bands']
        self.same = same_start(self.records + self.samestart)
        self.gaps = {recipe: Gap(recipe, pair, self.bands)
                     for (recipe, start, seed), pair in self.same.items()
                     if start == 'gluon' and seed == 0 and all(b in pair for b in BACKENDS)}
        self.recipes = sorted(set(self.runs) | set(self.gaps), key=recipe_order)

    def where_samestart(self):
        return f'`{self.samestart_path}`' if self.samestart_path else 'the records'

    def verdict(self):
        """The opening paragraph: the chapter's same-start gaps against seed noise."""
        lines = ['**Framework numerics or seed noise?** From identical initial weights and '
                 'batches (same-start runs, seed 0), relative |Δ loss| per step and final test '
                 'accuracy, beside the spread of test accuracy over the band seeds of each '
                 'backend (steps counted from 1):', '']
        for recipe in CHAPTER:
            gap = self.gaps.get(recipe)
            if gap is None:
                lines.append(f'- **{recipe}**: no same-start records in '
                             f'{self.where_samestart()}; run {MAKE_SAMESTART}.')
                continue
            lines.append(
                f'- **{recipe}** ({SECTIONS[recipe]}): MXNet and PyTorch {gap.agreement()}; '
                f'final test acc {gap.acc["mxnet"]:.4f} vs {gap.acc["torch"]:.4f} '
                f'(MXNet − PyTorch {gap.diff:+.4f}); test acc over the band seeds: '
                f'{gap.spread_text()}.' + (f' So {gap.conclusion()}.' if gap.sd else '')
                + self._meets_notebook(recipe))
        lines.append(self._exercises_verdict())
        return '\n'.join(lines)

    def _meets_notebook(self, recipe):
        """Whether the MXNet same-start run is the MXNet notebook's run (as it starts there)."""
        pair, run = self.same.get((recipe, 'gluon', 0), {}), self.runs.get(recipe, {})
        if 'mxnet' not in pair or 'mxnet' not in run:
            return ''
        a, b = pair['mxnet'].test_acc, run['mxnet'].test_acc
        meets = 'the same run' if abs(a - b) <= 1e-3 else 'not the same run'
        return (f' The MXNet same-start run starts where the MXNet notebook does: its test acc '
                f'{a:.4f} against the notebook\'s {b:.4f} ({meets}).')

    def _exercises_verdict(self):
        """One line over the exercise recipes: where the same-start gap exceeds seed noise."""
        gaps = [g for r, g in sorted(self.gaps.items(), key=lambda i: recipe_order(i[0]))
                if r not in CHAPTER and g.sd]
        if not gaps:
            return f'- **The exercises**: no same-start records with band runs; run {MAKE_SAMESTART}.'
        beyond = [g for g in gaps if abs(g.diff) > max(g.sd.values())]
        text = (f'- **The exercises** ({len(gaps)} recipes with a same-start pair and band runs): '
                f'in {len(gaps) - len(beyond)} of them the same-start gap in final test acc is '
                'at most the larger seed sd')
        if not beyond:
            return text + '.'
        return text + '; the others: ' + '; '.join(
            f'[{g.recipe}](#{g.recipe}): {g.conclusion()}' for g in beyond) + '.'

    def summary(self):
        """One row per recipe with a same-start pair, the chapter's first: the notebook gap,
        the same-start gap, the seed spread, and the verdict they give."""
        if not self.gaps:
            return f'_No same-start records; run {MAKE_SAMESTART}._'
        largest = max(abs(g.diff) for g in self.gaps.values())
        lines = ['| recipe | notebook runs (seed 0): MXNet − PyTorch test acc | same-start: '
                 'MXNet − PyTorch test acc | seed sd of test acc MXNet / PyTorch | verdict '
                 '| weak evidence | steps | first step > 1e-4 / > 1e-2 | same-start test acc '
                 'MXNet / PyTorch | notebook runs held to MXNet / PyTorch |',
                 '|---|---|---|---|---|---|---|---|---|---|']
        for recipe in sorted(self.gaps, key=recipe_order):
            gap, runs = self.gaps[recipe], self.runs.get(recipe, {})
            sds = ' / '.join(f'{gap.sd[b]:.4f}' for b in BACKENDS) if gap.sd else 'no band runs'
            held = ' / '.join(verdict(runs[b], self.bands_path) if b in runs else '—'
                              for b in BACKENDS)
            apart = ' / '.join(step_text(gap.apart[rtol]) if gap.steps else 'no steps recorded'
                               for rtol in RTOLS)
            notebooks = (f'{runs["mxnet"].test_acc - runs["torch"].test_acc:+.4f}'
                         if all(b in runs for b in BACKENDS) else '—')
            weak = '; '.join(gap.weaknesses(largest)) or '—'
            lines.append(f'| {recipe} | {notebooks} | {gap.diff:+.4f} | {sds} | {gap.label()} | '
                         f'{weak} | {gap.steps} | {apart} | {gap.acc["mxnet"]:.4f} / '
                         f'{gap.acc["torch"]:.4f} | {held} |')
        return '\n'.join(lines + ['', self.evidence()])

    def evidence(self):
        """Where the same-start runs ran: CPU model(s) and thread counts, from their records."""
        pairs = [pair[b] for (_, start, seed), pair in self.same.items()
                 if start == 'gluon' and seed == 0 for b in BACKENDS if b in pair]
        cpus = sorted({r.host.get('cpu') or '?' for r in pairs})
        threads = sorted({r.host.get('threads') for r in pairs}, key=str)
        devices = sorted({r.device for r in pairs})
        return (f'The evidence: {len(pairs)} same-start runs on {", ".join(devices)} '
                f'({"; ".join(cpus)}), {" or ".join(map(str, threads))} thread(s) each; none on '
                'a GPU. On another CPU the steps at which the two frameworks part move (see '
                'README, "What the tests hold runs to").')

    def glossary(self):
        """The report's words, once."""
        return '\n'.join([
            '- **band seeds**: the seeds (0–4, fewer where a run is long) each recipe was '
            'trained from on each backend to measure its band (`d2l_compat/bands.json`); '
            '"seed sd" is the standard deviation of their final test accuracy.',
            '- **band**: the range of those runs, widened by a margin; a notebook run is held '
            'to it ("in band").',
            '- **claim**: what a recipe whose runs do not learn is held to instead of a band '
            '("collapses", "stays-at-chance", and for a capped run "learns"); "claim holds".',
            '- **same start**: MXNet and PyTorch trained from identical initial weights over '
            'identical batches; "same-start gap" is their difference in final test accuracy, '
            'and the first step at which their losses differ by more than 1e-4 or 1e-2 '
            'says how long they stay together. For the chapter recipes the MXNet half starts '
            'exactly where the MXNet notebook does.',
            '- **notebook gap**: the difference between the two notebooks\' own seed-0 runs; '
            'they start from different weights (each framework draws its own), so it mixes '
            'the framework difference with a seed difference.',
            '- **verdict**: "seed noise" when the same-start gap is at most the larger seed sd; '
            '"within seed range" when it is larger but inside the widest seed range; '
            '"framework difference" beyond that; "no seed spread, no gap" when every band seed '
            'ends the same (a collapse) and so do both frameworks.',
            '- **profile**: the caps a run was made under (`full`, or e.g. '
            '`train2048-test1024-epochs2`); capped same-start runs have few steps.',
            '- **—**: no such record; for ex7-mnist-lenet no notebook trains the recipe '
            '(it is measured for comparison in ex7 and ex9, not shown as a notebook run).'])

    def caps(self, recipe):
        """The caps the recipe's runs were made under (notebook run first)."""
        runs = self.runs.get(recipe)
        if runs:
            return next(iter(runs.values())).caps
        return self.gaps[recipe].caps if recipe in self.gaps else {}

    def samestart_text(self, recipe):
        """What the same-start runs of one recipe show, or the command that makes them."""
        gap = self.gaps.get(recipe)
        if gap is None:
            return f'_No same-start runs of {recipe}; run {MAKE_SAMESTART}._'
        text = (f'Same start (seed 0, {gap.start} initialisation): MXNet and PyTorch '
                f'{gap.agreement()}; final test acc {gap.acc["mxnet"]:.4f} vs '
                f'{gap.acc["torch"]:.4f} ({gap.diff:+.4f}).')
        other = self.same.get((recipe, gap.start, 1), {})
        seed0 = self.same[recipe, gap.start, 0]
        for b in BACKENDS:
            if b in other and seed0[b].steps and other[b].steps:
                step = first_apart(seed0[b].steps, other[b].steps, 1e-2)
                text += f' {NAMES[b]} seed 0 and seed 1 {parted(step, 1e-2)}.'
        return text

    def section(self, recipe, image=None):
        """One recipe's Markdown section: notebook runs, seeds, same start, figure."""
        runs = self.runs.get(recipe)
        parts = [f'## {recipe}', '',
                 recipe_table(runs, self.bands_path) if runs else '_No notebook runs._', '',
                 seed_table(recipe, self.bands, self.caps(recipe)), '',
                 self.samestart_text(recipe), '']
        if image:
            parts += [f'![{recipe}: relative |Δ loss| per step and test accuracy per epoch]'
                      f'({image})', '']
        return '\n'.join(parts)

    def figure(self, recipe):
        """Left: relative |Δ loss| per step, framework vs seed; right: test acc per epoch."""
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        fig = Figure(figsize=(12, 4))
        left, right = fig.subplots(1, 2)
        seed0 = self.same.get((recipe, 'gluon', 0), {})
        seed1 = self.same.get((recipe, 'gluon', 1), {})
        series = []  # (label, style, losses, losses)
        if all(seed0.get(b) and seed0[b].steps for b in BACKENDS):
            series.append(('MXNet vs PyTorch, same start (seed 0)', dict(color='k'),
                           seed0['mxnet'].steps, seed0['torch'].steps))
        for b, color in zip(BACKENDS, ('C0', 'C1')):
            if seed0.get(b) and seed1.get(b) and seed0[b].steps and seed1[b].steps:
                # Dashed: on the same batches, the two seed lines can lie on top of each other.
                series.append((f'{NAMES[b]} seed 0 vs seed 1', dict(color=color, ls='--'),
                               seed0[b].steps, seed1[b].steps))
        for label, style, a, b in series:
            gaps = relative_gaps(a, b)
            left.plot(range(1, len(gaps) + 1), [max(g, FLOOR) for g in gaps], lw=0.8,
                      label=label, **style)
        if series:
            for rtol, style in zip(RTOLS, (':', '--')):
                left.axhline(rtol, color='grey', ls=style, lw=0.8,
                             label=f'threshold {tol(rtol)}')
            left.set_yscale('log')
            left.legend(fontsize='small')
        else:
            left.text(0.5, 0.5, 'no same-start runs:\nmake samestart', ha='center',
                      va='center', transform=left.transAxes)
            left.set_xticks([])
            left.set_yticks([])
        left.set_title('relative |Δ loss| per step, log scale')
        left.set_xlabel('step')
        left.xaxis.set_major_locator(MaxNLocator(integer=True))
        left.set_ylabel(f'|Δ loss| / |loss| (0 drawn at {tol(FLOOR)})')

        caps, runs = self.caps(recipe), self.runs.get(recipe, {})
        for b, color in zip(BACKENDS, ('C0', 'C1')):
            curves = [r['epochs'] for r in seed_runs(self.bands, recipe, b, caps)
                      if r.get('epochs')]
            if curves:
                n = min(len(c) for c in curves)
                at = [[c[i]['test_acc'] for c in curves] for i in range(n)]
                right.fill_between(range(1, n + 1), [min(v) for v in at], [max(v) for v in at],
                                   color=color, alpha=0.2,
                                   label=f'{NAMES[b]}: {len(curves)} seeds, min–max')
            if b in runs:
                r = runs[b]
                right.plot([e['epoch'] for e in r.epochs], [e['test_acc'] for e in r.epochs],
                           'o-', color=color, label=f'{NAMES[b]} notebook run (seed {r.seed})')
            if seed0.get(b):
                e = seed0[b].epochs
                right.plot([x['epoch'] for x in e], [x['test_acc'] for x in e], 's--',
                           color=color, alpha=0.7, label=f'{NAMES[b]} same start (seed 0)')
        right.set_title('test accuracy per epoch')
        right.set_xlabel('epoch')
        right.xaxis.set_major_locator(MaxNLocator(integer=True))
        right.set_ylabel('test accuracy')
        right.grid(True)
        if right.get_legend_handles_labels()[0]:
            right.legend(fontsize='small')
        fig.suptitle(f'{recipe}: how far MXNet and PyTorch part from one start, against seed '
                     'to seed (left); test accuracy against the seed spread (right)')
        fig.tight_layout()
        return fig

    def known_differences(self):
        """The intended differences, each with the same-start numbers that show its effect."""
        return '\n'.join([
            '- **Four LeNet notebooks, two recipes.** `notebooks/{mxnet,pytorch}/lenet_v1` is '
            '§5.5 of the first edition (d2lzh) on both backends: MXNet with its `nd` interface, '
            'PyTorch a cell-for-cell port. `notebooks/{mxnet,pytorch}/lenet` is §6.6 of the '
            'second edition (d2l): MXNet with its numpy interface (`npx.set_np()`), PyTorch the '
            "book's PyTorch tab. v1: no padding, max pooling, dense input 16×4×4, 5 epochs; v2: "
            'padding 2, average pooling, dense input 16×5×5, 10 epochs. Compare backends within '
            'a recipe, never v1 against v2.',
            '- **The English edition.** `notebooks/{mxnet,pytorch}/lenet_en` is §7.6 of d2l-en 1.0 '
            "(the book's mxnet and pytorch tabs): v2's net built as a `d2l.Classifier` and trained "
            'by `d2l.Trainer` at lr 0.1, batch 128, 10 epochs (the `lenet-en` recipe). Its test '
            "accuracy is what the board plots: the mean of the test batches' accuracies (79 "
            'batches, the last of 16 examples), not the share over all 10,000.',
            "- **The book's trainers.** Each chapter notebook keeps the section's own "
            '`train_ch5` / `train_ch6`, `evaluate_accuracy(_gpu)` and `try_gpu` as the book '
            'defines them, and trains with those.',
            self._bias_init(),
            self._loss_reduction(),
            '- **What the timers measure.** `train_ch5` prints wall time per epoch including '
            'the test-set evaluation; `train_ch6` prints examples/s over training steps only. '
            "The tables here use each record's wall seconds per epoch (training and evaluation) "
            'for both. No effect on the numbers.',
            '- **Argument order.** d2lzh: `evaluate_accuracy(data_iter, net, ctx)`; d2l: '
            '`evaluate_accuracy_gpu(net, data_iter, device)`. Both names exist on both '
            'backends. No effect on the numbers.',
            self._random_streams(),
            self._dropout()])

    def _dropout(self):
        text = ("- **Dropout masks.** AlexNet (ex10) has `Dropout(0.5)`; each framework draws "
                'its masks from its own generator, so even from one start the two see different '
                'masks from the first training step. ')
        gap = self.gaps.get('ex10-alexnet')
        if gap is None or not gap.steps:
            return text + f'Its effect needs the ex10-alexnet same-start runs: run {MAKE_SAMESTART}.'
        return text + (f'From the [ex10-alexnet](#ex10-alexnet) same-start runs (seed 0, '
                       f'{gap.steps} steps under its caps) the losses '
                       f'{parted(gap.apart[1e-4], 1e-4)}.')

    def _bias_init(self):
        head = ("- **Bias initialisation.** Gluon's `init.Xavier()` sets biases to zero; "
                "d2l's `train_ch6` re-draws only the PyTorch weights (Glorot uniform), so "
                "PyTorch's biases keep `nn.Linear`/`nn.Conv2d`'s default uniform(±1/√fan_in). "
                'The v1 PyTorch port zeroes its biases to match Gluon; in v2 they differ. ')
        starts = {s: self.same.get(('lenet-v2', s, 0), {}) for s in ('gluon', 'torch-biases')}
        if not all(b in starts[s] for s in starts for b in BACKENDS):
            return head + ('Its effect needs the [lenet-v2](#lenet-v2) same-start runs from '
                           f"both starts ('gluon' and 'torch-biases'): run {MAKE_SAMESTART}.")
        parts = []
        for b in BACKENDS:
            zero, torch = starts['gluon'][b], starts['torch-biases'][b]
            step = first_apart(zero.steps, torch.steps, 1e-4)
            parts.append(f'on {NAMES[b]} the losses from the two starts {parted(step, 1e-4)} '
                         f'and final test acc goes {zero.test_acc:.4f} → {torch.test_acc:.4f} '
                         f'({torch.test_acc - zero.test_acc:+.4f})')
        gap = self.gaps['lenet-v2']
        return head + (
            'What it does, from the [lenet-v2](#lenet-v2) same-start runs (seed 0), zero '
            "biases ('gluon') against PyTorch's defaults ('torch-biases') on one framework: "
            + '; '.join(parts) + '. Beside that, from one start the two frameworks '
            f'{parted(gap.apart[1e-4], 1e-4)} and end {gap.diff:+.4f} apart in test acc.')

    def _loss_reduction(self):
        text = ('- **Loss reduction.** `train_ch5` sums the loss over a batch and divides the '
                'gradient by the nominal `batch_size` (`trainer.step(batch_size)`), also for the '
                'last, short batch (60,000 = 234×256 + 96); `train_ch6` uses each batch\'s '
                "mean. Both backends follow the trainer's rule, not the framework's default. "
                f'What a mismatch does: `{LOSS_TEST}` trains v1 on 1,000 examples (batches of '
                '256, 256, 256, 232) from one start, MXNet with the sum and PyTorch with a mean: '
                'the losses part at step 5, the step after the short batch, the first whose '
                'weights the two rules moved differently.')
        gap, pair = self.gaps.get('lenet-v1'), self.same.get(('lenet-v1', 'gluon', 0), {})
        if gap is None:
            return text + f' The full-data comparison needs {MAKE_SAMESTART}.'
        mx = pair['mxnet']
        if mx.batch_size and mx.train_examples % mx.batch_size:
            short = -(-mx.train_examples // mx.batch_size)
            text += (f' In the [lenet-v1](#lenet-v1) same-start runs, both with the sum rule, '
                     f'the first short batch is step {short} and the frameworks '
                     f'{parted(gap.apart[1e-4], 1e-4)}.')
        return text

    def _random_streams(self):
        text = ('- **Random streams.** Each framework draws initial weights from its own '
                'generator, so one seed gives MXNet and PyTorch different weights, and two '
                'single runs differ by seed noise as well as by framework. The same-start runs '
                'take the seed noise out: ')
        found = [g for r, g in sorted(self.gaps.items(), key=lambda i: recipe_order(i[0]))
                 if r in CHAPTER]
        if not found:
            return text + f'run {MAKE_SAMESTART}.'
        return text + '; '.join(
            f'[{g.recipe}](#{g.recipe}) from identical weights ends {g.diff:+.4f} apart in test '
            f'acc; test acc over the band seeds: {g.spread_text()}' for g in found) \
            + ' (see the summary).'

    def markdown(self, images=None):
        """The whole report; ``images`` maps a recipe to its figure's file name."""
        images = images or {}
        source = f'`{self.records_path}`'
        if self.samestart_path:
            source += f' and `{self.samestart_path}`'
        parts = ['# MXNet vs PyTorch, recipe by recipe', '', self.verdict(), '',
                 '## Summary', '',
                 'One row per recipe: the two notebooks\' seed-0 gap in test accuracy, the '
                 'same-start gap (seed 0), the spread over the band seeds of each backend '
                 '(`d2l_compat/bands.json`), and the verdict those give (see the glossary '
                 'below); then where the evidence is weak, how long the same-start pair stays '
                 'together, and what the notebook runs were held to.', '',
                 self.summary(), '', '## Glossary', '', self.glossary(), '',
                 f'From {source} ({len(self.records)} run records; per recipe and backend the '
                 'one started last) and the seed runs behind the bands.', '']
        for recipe in self.recipes:
            parts.append(self.section(recipe, images.get(recipe)))
        parts += ['## Known, intended differences', '', self.known_differences(), '']
        return '\n'.join(parts)


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=80)
    return buffer.getvalue()


def build(records_path, out_dir, samestart_path=None, bands_path=None):
    """Write out_dir/compare.md and one PNG per recipe; return the Markdown text.

    Everything is computed before anything is written, and each file is written to a .part
    and renamed, so a failure leaves the previous report whole."""
    rep = Report(records_path, samestart_path, bands_path)
    files = {f'{recipe}.png': _png(rep.figure(recipe)) for recipe in rep.recipes}
    text = rep.markdown({recipe: f'{recipe}.png' for recipe in rep.recipes})
    files['compare.md'] = text.encode('utf-8')
    os.makedirs(out_dir, exist_ok=True)
    parts = []
    try:
        for name, data in files.items():
            parts.append(os.path.join(out_dir, name + '.part'))
            with open(parts[-1], 'wb') as f:
                f.write(data)
    except BaseException:
        for part in parts:
            with contextlib.suppress(OSError):
                os.remove(part)
        raise
    for part in parts:
        os.replace(part, part[:-len('.part')])
    return text
