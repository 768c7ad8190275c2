"""How far a correct run of one seed may land, from that seed's runs under other numerics.

A bands.json entry holds the band's seed-0 run and the same seed again under other numerics:
``references`` (other thread counts, repeats) and ``variants`` (this CPU or another, another
instruction set, a GPU: ``d2l_lenet.variants``). They fall in two classes measured apart,
CPU runs and GPU runs, because a GPU's kernels are not even deterministic run to run (two
H100 runs of one seed differ) while CPU runs of one seed agree to a few digits. Per class,
from the final epoch's metrics (what ``bands.check`` compares):

- ``spread``: the largest difference from the seed-0 run;
- ``tolerance``: SAFETY times the spread (a machine nobody measured may land a little
  further), at least what the trainers print (RESOLUTION), rounded up;
- ``chaotic``: the spread is larger than CHAOS, more than a planted bug moves a smooth run:
  such a recipe is held to its band or claim over seeds, never to a same-seed reference;
- ``other_mode``: for a claim (a collapse) that some variation of seed 0 did not make, the
  band of those runs, the second of the recipe's two outcomes.

The CPU class sits at the top of the entry; the GPU class, where GPU runs were measured, under
``gpu``. ``epoch_tolerance`` is the CPU class's tolerance over every epoch, not only the last:
how far the per-epoch numbers a notebook prints may move (``d2l_lenet.nbval_numbers``).
Tests recompute every one of these from the runs stored beside them.
"""
import math

from d2l_compat import bands

SAFETY = 2
# The smallest tolerance: d2lzh's epoch lines print accuracies with 3 decimals, losses with 4.
RESOLUTION = {'loss': 1e-4, 'train_acc': 1e-3, 'test_acc': 1e-3}
# More than this, and a seed's own numerics move it as far as a bug would (loss: relative).
CHAOS = {'loss': 0.01, 'train_acc': 0.01, 'test_acc': 0.01}


def seed0_run(entry):
    """The band's run of seed 0: what every variation is measured against."""
    return next(run for run in entry['runs'] if run['seed'] == 0)


def on_gpu(run):
    """Whether a variation ran on a GPU."""
    return str(run.get('settings', {}).get('device', '')).startswith(('cuda', 'gpu'))


def variation(entry, gpu=False):
    """Seed 0's runs under other numerics, of one class (CPU, or GPU)."""
    return [run for run in entry.get('references', []) + entry.get('variants', [])
            if on_gpu(run) == gpu]


def spread(entry, runs, every_epoch=False):
    """Per metric, the largest difference of ``runs`` from the seed-0 run (the last epoch, or
    any epoch)."""
    ref = seed0_run(entry)
    found = {metric: 0.0 for metric in bands.METRICS}
    for run in runs:
        if len(run['epochs']) != len(ref['epochs']):
            raise ValueError(f"a variation of {len(run['epochs'])} epochs against the seed-0 "
                             f"run's {len(ref['epochs'])}")
        pairs = zip(run['epochs'], ref['epochs']) if every_epoch else [(run, ref)]
        for mine, theirs in pairs:
            for metric in bands.METRICS:
                found[metric] = max(found[metric], abs(mine[metric] - theirs[metric]))
    return found


def _round_up(value, digits=4):
    return math.ceil(value * 10 ** digits - 1e-9) / 10 ** digits


def tolerance(found):
    """Per metric: SAFETY x a spread, at least RESOLUTION, rounded up to 4 decimals."""
    return {metric: _round_up(max(RESOLUTION[metric], SAFETY * value))
            for metric, value in found.items()}


def chaotic(entry, found):
    """Whether a spread of seed 0's runs is larger than CHAOS."""
    final_loss = seed0_run(entry)['loss']
    return (found['loss'] > CHAOS['loss'] * final_loss
            or any(found[m] > CHAOS[m] for m in ('train_acc', 'test_acc')))


def other_mode(entry, runs):
    """The band of ``runs`` that did not make the entry's claim, or None."""
    claim = entry.get('claim')
    if not claim:
        return None
    missed = [run for run in runs if not bands.CLAIMS[claim](bands.as_record(run))[0]]
    if not missed:
        return None
    mode = {metric: bands.band([run[metric] for run in missed], metric)
            for metric in bands.METRICS}
    mode['variants'] = sorted({run.get('variant', f"{run['host'].get('threads')} threads")
                               for run in missed})
    return mode


def _class(entry, runs):
    found = spread(entry, runs)
    fields = {'tolerance': tolerance(found), 'chaotic': chaotic(entry, found)}
    mode = other_mode(entry, runs)
    if mode:
        fields['other_mode'] = mode
    return fields


def derived(entry):
    """The fields of an entry that follow from its runs: the CPU class's tolerance, chaotic,
    other_mode and epoch_tolerance, and the GPU class's under 'gpu' where it was measured."""
    cpu = variation(entry)
    fields = _class(entry, cpu)
    fields['epoch_tolerance'] = tolerance(spread(entry, cpu, every_epoch=True))
    gpu = variation(entry, gpu=True)
    if gpu:
        fields['gpu'] = _class(entry, gpu)
    return fields


def rederive(entry):
    """Replace an entry's derived fields with those its runs give now (a GPU class or other
    mode its runs no longer have is dropped)."""
    for field in ('other_mode', 'gpu'):
        entry.pop(field, None)
    entry.update(derived(entry))
    return entry
