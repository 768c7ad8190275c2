"""MXNet vs PyTorch, recipe by recipe: tables, seed spreads and curves from run records."""
import collections
import contextlib
import io
import os

from . import bands as bands_mod
from .config import profile
from .core import load_records

BACKENDS = ('mxnet', 'torch')
NAMES = {'mxnet': 'MXNet', 'torch': 'PyTorch'}
METRICS = (('loss', 'final loss', '{:.4f}'), ('train_acc', 'train acc', '{:.4f}'),
           ('test_acc', 'test acc', '{:.4f}'))

KNOWN_DIFFERENCES = """\
- **Architecture (v1 vs v2).** v1 (d2lzh §5.5): no padding, max pooling, dense input 16×4×4,
  5 epochs. v2 (d2l §6.6): padding 2, average pooling, dense input 16×5×5, 10 epochs. Compare
  backends within a recipe, never v1 against v2.
- **Bias initialisation.** Gluon's `init.Xavier()` sets biases to zero. d2l's `train_ch6`
  re-draws only the weights (Glorot uniform), so PyTorch biases keep `nn.Linear`/`nn.Conv2d`'s
  default uniform(±1/√fan_in). The v1 PyTorch run zeroes its biases to match Gluon; the v2 MXNet
  run (Gluon Xavier) has zero biases where PyTorch's do not.
- **Loss reduction.** `train_ch5` sums the loss over a batch and divides the gradient by the
  nominal `batch_size`, also for the last, short batch (60,000 = 234×256 + 96); `train_ch6`
  uses each batch's mean. Both backends follow the trainer's rule, not the framework's default.
- **What the timers measure.** `train_ch5` prints wall time per epoch including the test-set
  evaluation; `train_ch6` prints examples/s over training steps only. The tables here use
  each record's wall seconds per epoch (training and evaluation) for both.
- **Argument order.** d2lzh: `evaluate_accuracy(data_iter, net, ctx)`; d2l:
  `evaluate_accuracy_gpu(net, data_iter, device)`. Both names exist on both backends.
- **Random streams.** The same seed does not give the same initial weights or batch order
  on both frameworks (different generators), so single runs differ by seed noise as well as
  by framework; the seed spreads below show how large that noise is.
"""


def latest_by_recipe(records):
    """{recipe: {backend: newest record}} (records without a recipe are left out)."""
    table = collections.defaultdict(dict)
    for record in records:
        if record.recipe and record.epochs:
            table[record.recipe][record.backend] = record  # later lines win
    return dict(sorted(table.items()))


def verdict(record):
    """'in band', 'OUT OF BAND', or why there is no verdict."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # check() prints; here only the verdict
            bands_mod.check(record)
        return 'in band'
    except bands_mod.OutOfBandError:
        return 'OUT OF BAND'
    except (KeyError, ValueError) as e:
        return f'no band ({str(e).splitlines()[0][:60]})'


def seconds_per_epoch(record):
    return sum(e['seconds'] for e in record.epochs) / len(record.epochs)


def recipe_table(runs):
    """Markdown table of one recipe: a column per backend and their difference."""
    header = '| | ' + ' | '.join(NAMES[b] for b in BACKENDS) + ' | MXNet − PyTorch |'
    lines = [header, '|---|---|---|---|']
    get = {b: runs.get(b) for b in BACKENDS}
    for key, label, fmt in METRICS:
        values = [getattr(get[b], key) if get[b] else None for b in BACKENDS]
        cells = [fmt.format(v) if v is not None else '—' for v in values]
        diff = (f'{values[0] - values[1]:+.4f}' if None not in values else '—')
        lines.append(f'| {label} | ' + ' | '.join(cells) + f' | {diff} |')
    extra = [('s/epoch', lambda r: f'{seconds_per_epoch(r):.2f}'),
             ('examples/s', lambda r: f'{r.train_examples / seconds_per_epoch(r):,.0f}'),
             ('epochs', lambda r: str(len(r.epochs))),
             ('trainer', lambda r: r.trainer), ('device', lambda r: r.device),
             ('seed', lambda r: str(r.seed)),
             ('profile', lambda r: profile(r.caps)), ('band', verdict)]
    for label, fn in extra:
        lines.append(f'| {label} | ' + ' | '.join(fn(get[b]) if get[b] else '—'
                                                  for b in BACKENDS) + ' | |')
    return '\n'.join(lines)


def seed_table(recipe, bands, caps=None):
    """Mean ± standard deviation and range of the final metrics over the banded seeds."""
    entries = {b: bands.get(bands_mod.key_for(recipe, b, caps or {})) for b in BACKENDS}
    if not all(entries.values()):
        return '_No multi-seed runs for this recipe._'
    n = len(entries['mxnet']['runs'])
    lines = [f'Over seeds {", ".join(str(r["seed"]) for r in entries["mxnet"]["runs"])} '
             f'({n} runs per backend, `d2l_compat/bands.json`):', '',
             '| | MXNet mean ± sd [min, max] | PyTorch mean ± sd [min, max] | ranges overlap |',
             '|---|---|---|---|']
    for key, label, _ in METRICS:
        cells, ranges = [], []
        for b in BACKENDS:
            values = [r[key] for r in entries[b]['runs']]
            cells.append(bands_mod.spread(values))
            ranges.append((min(values), max(values)))
        overlap = ranges[0][0] <= ranges[1][1] and ranges[1][0] <= ranges[0][1]
        lines.append(f'| {label} | ' + ' | '.join(cells) + f' | {"yes" if overlap else "no"} |')
    return '\n'.join(lines)


def plot_recipe(recipe, runs, path):
    """One PNG: loss, train acc and test acc per epoch, MXNet and PyTorch overlaid.

    Returns the Figure, so callers (and tests) can read back the series drawn."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3))
    axes = fig.subplots(1, 3)
    for ax, (key, label, _) in zip(axes, METRICS):
        for backend, style in zip(BACKENDS, ('o-', 's--')):
            record = runs.get(backend)
            if record:
                ax.plot([e['epoch'] for e in record.epochs], [e[key] for e in record.epochs],
                        style, label=NAMES[backend])
        ax.set_title(label)
        ax.set_xlabel('epoch')
        ax.grid(True)
        ax.legend()
    fig.suptitle(recipe)
    fig.tight_layout()
    fig.savefig(path, format='png', dpi=80)
    return fig


def build(records_path, out_dir, bands_path=None):
    """Write out_dir/compare.md and one PNG per recipe; return the Markdown text."""
    if not os.path.exists(records_path):
        raise FileNotFoundError(f'{records_path}: no run records; run `make run` first '
                                '(or point D2L_RESULTS at a records file)')
    records = load_records(records_path)
    by_recipe = latest_by_recipe(records)
    if not by_recipe:
        raise ValueError(f'{records_path}: no run record names a recipe')
    bands = bands_mod.load(bands_path)['bands']
    os.makedirs(out_dir, exist_ok=True)
    parts = ['# MXNet vs PyTorch, recipe by recipe', '',
             f'From `{records_path}` ({len(records)} run records; '
             'the newest per recipe and backend) and the seed runs behind the accuracy bands.',
             '']
    for recipe, runs in by_recipe.items():
        plot_recipe(recipe, runs, os.path.join(out_dir, f'{recipe}.png'))
        caps = next(iter(runs.values())).caps
        parts += [f'## {recipe}', '', recipe_table(runs), '', seed_table(recipe, bands, caps), '',
                  f'![{recipe}: loss and accuracy per epoch]({recipe}.png)', '']
    parts += ['## Known, intended differences', '', KNOWN_DIFFERENCES]
    text = '\n'.join(parts)
    tmp = os.path.join(out_dir, 'compare.md.part')
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, os.path.join(out_dir, 'compare.md'))
    return text
