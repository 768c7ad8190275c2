"""Write the README's measured tables from the committed data (bands.json, the run records).

    python -m d2l_lenet.readme            rewrite the generated blocks of README.md
    python -m d2l_lenet.readme --check    exit 1 if they are out of date (tests/test_readme.py)

A generated block sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``;
everything else in the README is written by hand, and quotes no measured number.
"""
import argparse
import json
import pathlib
import re
import statistics
import sys

from d2l_compat import BACKENDS, bands
from . import report

ROOT = pathlib.Path(__file__).resolve().parents[1]
from . import bench
from . import recipes, tolerances

BLOCK = re.compile(r'(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)', re.S)


def bands_table():
    """Every recipe x backend: seeds, final test accuracy over them, what a run is held to, and
    the numerics variants its tolerances were measured over."""
    table = bands.load()['bands']
    cpus = sorted({run['host'].get('cpu') for entry in table.values()
                   for run in tolerances.variation(entry) + entry['runs']})
    names = sorted({run.get('variant', f"{run['host'].get('threads')} threads")
                    for entry in table.values()
                    for run in tolerances.variation(entry) + tolerances.variation(entry, True)})
    lines = [f'CPU models behind the runs: {", ".join(cpus)}; variants of seed 0: '
             f'{", ".join(names)} (`d2l_lenet.variants`).', '',
             '| recipe | backend | profile | seeds | test acc: mean ± sd [min, max] '
             '| a run is held to | same-seed tolerance (test acc, CPU) | seed-0 variations '
             '(CPU / GPU) | chaotic (CPU / GPU) |', '|---|---|---|---|---|---|---|---|---|']
    for key in sorted(table, key=lambda k: (report.recipe_order(k.split('/')[0]), k)):
        entry = table[key]
        recipe, rest = key.split('/')
        backend, _, profile = rest.partition('@')
        accs = [run['test_acc'] for run in entry['runs']]
        if entry.get('claim'):
            held = f"claim '{entry['claim']}' (seeds {entry.get('claim_seeds')})"
            if entry['claim'] in bands.CLAIMS_WITH_BAND:
                held += f" and band [{entry['test_acc'][0]}, {entry['test_acc'][1]}]"
        else:
            held = f"band [{entry['test_acc'][0]}, {entry['test_acc'][1]}]"
        cpu, gpu = tolerances.variation(entry), tolerances.variation(entry, gpu=True)
        tolerance = entry['tolerance']['test_acc'] if cpu and not entry['chaotic'] else '—'
        chaos = ' / '.join(('yes' if c.get('chaotic') else 'no') if runs else '—'
                           for c, runs in ((entry, cpu), (entry.get('gpu', {}), gpu)))
        lines.append(f'| {recipe} | {backend} | {profile or "full"} | {len(accs)} | '
                     f'{bands.spread(accs)} | {held} | {tolerance} | {len(cpu)} / {len(gpu)} '
                     f'| {chaos} |')
    return '\n'.join(lines)


def samestart_summary():
    """The comparison report's verdict and summary table."""
    built = report.Report(str(ROOT / 'results' / 'runs.jsonl'),
                          str(ROOT / 'results' / 'samestart.jsonl'))
    return built.verdict() + '\n\n' + built.summary()


GPU = ROOT / 'results' / 'gpu-h100'
NOTEBOOK_LINE = re.compile(r'^== notebooks/pytorch/(\S+)\.ipynb: ([\d.]+) s( +ERROR: .*)?$')


def _collapsed(record):
    return bands.CLAIMS['collapses'](record)[0]


def gpu_summary():
    """The PyTorch notebooks and two recipes on an H100 (results/gpu-h100), against this CPU."""
    log = (GPU / 'notebooks.log').read_text().splitlines()
    machine = '; '.join(next(line for line in log if line.startswith(start))
                        for start in ('NVIDIA', 'python '))
    walls = {}
    for line in log:  # the last run of each notebook counts
        match = NOTEBOOK_LINE.match(line)
        if match:
            walls[match.group(1)] = (float(match.group(2)), bool(match.group(3)))
    notebook_runs = report.load_records(str(GPU / 'notebook-runs.jsonl'))
    runs = report.latest_by_recipe(notebook_runs)
    cpu = report.latest_by_recipe(report.load_records(str(ROOT / 'results' / 'runs.jsonl')))
    lines = [f'Machine: {machine}. PyTorch only: the machine has no MXNet, and MXNet 1.9.1 needs '
             'numpy < 1.24, which has no build for its Python 3.12. Notebooks run by '
             '`d2l_lenet/execute.py`; log and records in `results/gpu-h100/`.', '',
             '| notebook | wall s | error | recipe: band check on the GPU run |', '|---|---|---|---|']
    for name, (wall, error) in sorted(walls.items(), key=lambda i: report.recipe_order(
            (recipes.recipes_of(i[0]) or [i[0]])[0])):
        checks = '; '.join(f'{r}: {report.verdict(runs[r]["torch"])}'
                           for r in recipes.recipes_of(name) if 'torch' in runs.get(r, {}))
        lines.append(f'| {name} | {wall:.1f} | {"yes" if error else "no"} | {checks or "—"} |')
    lines += ['', '| recipe (seed 0) | s/epoch GPU | s/epoch this CPU | CPU / GPU '
              '| final loss GPU | final loss CPU | |Δ loss| |', '|---|---|---|---|---|---|---|']
    for recipe in ('lenet-v1', 'lenet-v2'):
        g, c = runs[recipe]['torch'], cpu[recipe]['torch']
        gs, cs = report.seconds_per_epoch(g), report.seconds_per_epoch(c)
        lines.append(f'| {recipe} | {gs:.2f} | {cs:.2f} ({c.host.get("threads")} thread(s)) | '
                     f'{cs / gs:.1f}× | {g.loss:.6g} | '
                     f'{c.loss:.6g} | {abs(g.loss - c.loss):.1e} |')
    trials = report.load_records(str(GPU / 'recipe-runs.jsonl'))
    relu = sorted((r for r in trials if r.recipe == 'ex3-relu-lr0.9'), key=lambda r: r.seed)
    relu_cpu = bands.load()['bands']['ex3-relu-lr0.9/torch']['runs']
    seed0 = sorted((r for r in notebook_runs + relu
                    if r.recipe == 'ex3-relu-lr0.9' and r.seed == 0), key=report._when)
    lines += ['', f'ex3-relu-lr0.9 (ReLU, lr 0.9): seeds that collapse on the GPU '
              f'{sum(map(_collapsed, relu))} of {len(relu)} (collapsed: '
              f'{[r.seed for r in relu if _collapsed(r)]}; final test acc of the others '
              f'{[round(r.test_acc, 4) for r in relu if not _collapsed(r)]}); on this CPU '
              f'{sum(_collapsed(bands.as_record(r)) for r in relu_cpu)} of {len(relu_cpu)}. '
              f'Seed 0, run after run on the GPU (notebook and recipe runs, oldest first): '
              f'{", ".join("collapsed" if _collapsed(r) else f"trained ({r.test_acc:.4f})" for r in seed0)}'
              ': on the GPU one seed does not repeat, so a collapse there is chance, not a '
              'property of the seed.', '',
              'ex10 on the full data, 10 epochs, three seeds (the six runs three at a time on '
              'the one GPU, so s/epoch is shared):', '',
              '| net | seeds | final test acc: mean ± sd [min, max] | epochs at chance (test acc '
              '0.1) per seed | s/epoch |', '|---|---|---|---|---|']
    for recipe in ('ex10-alexnet', 'ex10-lenet224'):
        mine = sorted((r for r in trials if r.recipe == recipe), key=lambda r: r.seed)
        chance = [sum(e['test_acc'] == 0.1 for e in r.epochs) for r in mine]
        per_epoch = statistics.mean(report.seconds_per_epoch(r) for r in mine)
        lines.append(f'| {recipe} | {[r.seed for r in mine]} | '
                     f'{bands.spread([r.test_acc for r in mine])} | {chance} | {per_epoch:.1f} |')
    ex5 = report.load_records(str(GPU / 'ex5-runs.jsonl'))
    lines += ['', "ex5 on the full data, 10 epochs, five seeds (the five runs of each net at once on the "
              'one GPU, so s/epoch is shared):', '',
              '| net | seeds | final test acc: mean ± sd [min, max] | s/epoch |', '|---|---|---|---|']
    for recipe in ('ex5-window', 'ex5-channels', 'ex5-leaky', 'ex5-four-convs', 'ex5-extra-fc'):
        mine = sorted((r for r in ex5 if r.recipe == recipe), key=lambda r: r.seed)
        per_epoch = statistics.mean(report.seconds_per_epoch(r) for r in mine)
        lines.append(f'| {recipe} | {len(mine)} | {bands.spread([r.test_acc for r in mine])} | '
                     f'{per_epoch:.1f} |')
    return '\n'.join(lines)


def bench_tables():
    """The last `make bench` (results/bench.json), rendered as the bench prints it."""
    return bench.render(json.loads((ROOT / 'results' / 'bench.json').read_text()))


def english_table():
    """§7.6 per backend: seed 0's notebook run, the band, and upstream's own run."""
    cpu = report.latest_by_recipe(report.load_records(str(ROOT / 'results' / 'runs.jsonl')))
    table = bands.load()['bands']
    theirs = {r['backend']: r for r in map(json.loads, (ROOT / 'results' / 'upstream' /
                                                         'lenet-en.jsonl').read_text().split('\n')[:-1])}
    lines = ['| backend | val acc, seed 0 (this repository) | band of seeds 0–4 | s/epoch '
             '| upstream d2l 1.0.3, seed 0: val acc | upstream: s/epoch |', '|---|---|---|---|---|---|']
    for backend in BACKENDS:
        mine, up = cpu['lenet-en'][backend], theirs[backend]
        entry = table[f'lenet-en/{backend}']
        lines.append(f'| {report.NAMES[backend]} | {mine.test_acc:.4f} | {entry["test_acc"]} | '
                     f'{report.seconds_per_epoch(mine):.2f} ({mine.host.get("threads")} thread(s)) | '
                     f'{up["val_acc"]:.4f} | {up["seconds"] / up["max_epochs"]:.2f} |')
    cpus = {r.host.get('cpu') for b in BACKENDS for r in [cpu['lenet-en'][b]]}
    lines += ['', f'Machine: {", ".join(sorted(cpus))}. The measuring script seeds the '
              "framework and numpy with 0, but upstream's loaders draw their own batch order (4 "
              'worker processes) and its initialisation its own weights, so its run is another '
              'sample of the same recipe, not seed 0 of ours; it runs with its frameworks\' '
              'default threads. Ours: the notebook run of `results/runs.jsonl`.']
    return '\n'.join(lines)


GENERATORS = {'english': english_table, 'bands': bands_table, 'samestart': samestart_summary, 'gpu': gpu_summary,
              'bench': bench_tables}


def render(text):
    def block(match):
        return f'{match.group(1)}{GENERATORS[match.group(2)]()}\n{match.group(4)}'
    return BLOCK.sub(block, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    path = ROOT / 'README.md'
    text = path.read_text()
    new = render(text)
    if args.check:
        if new != text:
            sys.exit('README.md: generated blocks are out of date; run python -m d2l_lenet.readme')
        return
    path.write_text(new)


if __name__ == '__main__':
    main()
