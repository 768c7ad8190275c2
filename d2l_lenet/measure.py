"""Measure bands and same-seed references: every recipe x backend over seeds, on the real data.

    python -m d2l_lenet.measure [--recipes lenet-v1 ...] [--seeds 0 1 2 3 4]
                                    [--threads 1] [--jobs 2] [--no-references]
                                    [--no-caps | --caps max_epochs=2 ...]

Each run is a fresh process with a fixed thread count (``D2L_NUM_THREADS``, default 1: the
count ``make test``'s lanes use). The chapter's own recipes (``book=`` in recipes.py) run
their notebook with papermill, so the band is measured on the book's code; the others run
``d2l_lenet/recipes.py``. Seed 0 is also run again at 1 thread and at 2 threads: the largest
difference among those runs is the tolerance of the same-seed check. A heavy recipe runs
under its caps (recipes.CAPPED) unless told otherwise; its entry is keyed
'recipe/backend@profile'. Each entry is merged into d2l_compat/bands.json as soon as its
runs are done (under a lock), and a Markdown table of the runs is printed.
"""
import argparse
import concurrent.futures
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import tempfile

from d2l_compat import bands
from d2l_compat.config import profile
from . import tolerances
from .recipes import BAND_SEEDS, CAPPED, CLAIMS, RECIPES, ROOT, notebook_path

OUT = bands.BANDS_FILE
REFERENCE_THREADS = (1, 2)  # seed 0 is run again at each


def run_env(threads, caps, results, extra=None):
    """A measured run's environment: the caps and thread count asked for (and ``extra``, a
    numerics variant's settings), none of the caller's caps or step records, which a
    measurement must not inherit."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('D2L_MAX_') and k != 'D2L_RECORD_STEPS'}
    env.update(extra or {})
    env.update({f'D2L_{k.upper()}': str(v) for k, v in caps.items()})
    env.update(D2L_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               D2L_ANIMATOR='off', D2L_RESULTS=results, MXNET_ENGINE_TYPE='NaiveEngine')
    if threads > 1:  # beside other runs, spinning OpenMP threads would slow it many times over
        env['OMP_WAIT_POLICY'] = 'passive'  # (how threads wait, not what they compute)
    return env


def only_the_check_failed(notebook):
    """Whether an executed notebook stopped at its bands.check cell, and nowhere else: a new
    measurement must not depend on the old bands it is about to replace."""
    if not os.path.exists(notebook):
        return False
    with open(notebook) as f:
        cells = [c for c in json.load(f)['cells'] if c['cell_type'] == 'code']
    failed = [c for c in cells if any(o['output_type'] == 'error' for o in c['outputs'])]
    return len(failed) == 1 and 'bands.check(' in ''.join(failed[0]['source'])


def one_run(recipe, backend, seed, threads, caps, extra=None):
    """Train once in a fresh process; the run's record as a dict (a failure shows its stderr)."""
    with tempfile.TemporaryDirectory() as folder:
        results = os.path.join(folder, 'runs.jsonl')
        env = run_env(threads, caps, results, extra)
        if 'book' in RECIPES.get(recipe, {}):  # an unknown recipe fails in the child, shown
            command = [sys.executable, '-m', 'papermill', '--kernel', 'd2l-lenet',
                       '--log-level', 'WARNING', '-p', 'SEED', str(seed),
                       str(notebook_path(recipe, backend)), os.path.join(folder, 'out.ipynb')]
        else:
            command = [sys.executable, '-m', 'd2l_lenet.recipes', recipe, backend, str(seed)]
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0 and not only_the_check_failed(os.path.join(folder, 'out.ipynb')):
            raise RuntimeError(f'{recipe}/{backend} seed {seed} ({threads} thread(s)) failed:\n'
                               f'$ {" ".join(command)}\n{done.stderr[-4000:]}')
        with open(results) as f:
            records = [json.loads(line) for line in f if line.strip()]
    mine = [r for r in records if r['recipe'] == recipe]
    if len(mine) != 1:
        raise RuntimeError(f'{recipe}/{backend} seed {seed}: expected one run record of '
                           f'{recipe}, found {len(mine)}')
    record = mine[0]
    final = record['epochs'][-1]
    return {'seed': seed, 'loss': final['loss'], 'train_acc': final['train_acc'],
            'test_acc': final['test_acc'], 'epochs': [
                {k: e[k] for k in ('loss', 'train_acc', 'test_acc')} for e in record['epochs']],
            'seconds_per_epoch': round(sum(e['seconds'] for e in record['epochs'])
                                       / len(record['epochs']), 2),
            'host': record['host']}


def entry_for(recipe, backend, runs, references, caps, command):
    """A bands.json entry: the runs, the band (or claim), the same-seed tolerance."""
    claim = CLAIMS.get(f'{recipe}/{backend}', CLAIMS.get(recipe)) or ('learns' if caps else None)
    entry = {'runs': runs, 'references': references, 'caps': caps, 'claim': claim,
             'produced_by': command}
    if claim:  # which seeds make the claim (bands.check holds a run to what its seed did)
        entry['claim_seeds'] = sorted({run['seed'] for run in runs + references
                                       if bands.CLAIMS[claim](bands.as_record(run))[0]})
    for metric in bands.METRICS:
        entry[metric] = bands.band([r[metric] for r in runs], metric)
    return entry


def write(table, path=OUT):
    """Write a whole bands table: to a part file first, renamed into place when complete."""
    tmp = path + '.part'
    with open(tmp, 'w') as f:
        json.dump(table, f, indent=1, sort_keys=True)
        f.write('\n')
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(path=OUT):
    """Hold bands.json's lock: one writer at a time (measurements and merges run side by side)."""
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def save(key, entry):
    """Merge one entry into bands.json under a lock (measurements may run side by side); the
    variants already measured for its key stay, and its derived fields are recomputed."""
    with locked():
        result = {'margins': bands.MARGINS, 'bands': {}}
        if os.path.exists(OUT):
            with open(OUT) as f:
                result['bands'] = json.load(f)['bands']
        entry['variants'] = result['bands'].get(key, {}).get('variants', [])
        tolerances.rederive(entry)
        result['bands'][key] = entry
        write(result)


def parse_caps(items):
    caps = {}
    for item in items:
        name, _, value = item.partition('=')
        if name not in ('max_train_examples', 'max_test_examples', 'max_epochs') or \
                not value.isdigit():
            raise SystemExit(f'--caps {item!r}: expected max_train_examples=N, '
                             'max_test_examples=N or max_epochs=N')
        caps[name] = int(value)
    return caps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--recipes', nargs='+', choices=RECIPES, default=list(RECIPES))
    parser.add_argument('--backends', nargs='+', choices=('mxnet', 'torch'),
                        default=['mxnet', 'torch'])
    parser.add_argument('--seeds', type=int, nargs='+',
                        help='default: 0-4, or fewer for recipes in recipes.BAND_SEEDS')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--jobs', type=int, default=1, help='runs side by side')
    parser.add_argument('--no-references', action='store_true',
                        help='skip the extra seed-0 runs at 1 and 2 threads')
    caps_group = parser.add_mutually_exclusive_group()
    caps_group.add_argument('--no-caps', action='store_true',
                            help='run heavy recipes on the full data too (hours on a CPU)')
    caps_group.add_argument('--caps', nargs='+', default=None, metavar='NAME=N',
                            help='these caps instead of the recipe\'s')
    args = parser.parse_args()
    command = 'python -m d2l_lenet.measure ' + ' '.join(sys.argv[1:])
    plans = {}  # key -> (recipe, backend, caps, [task])
    for recipe in args.recipes:
        caps = {} if args.no_caps else (parse_caps(args.caps) if args.caps is not None
                                        else CAPPED.get(recipe, {}))
        for backend in args.backends:
            seeds = args.seeds or range(BAND_SEEDS.get(recipe, 5))
            tasks = [('run', seed, args.threads) for seed in seeds]
            if not args.no_references:
                tasks += [('reference', 0, t) for t in REFERENCE_THREADS]
            key = bands.key_for(recipe, backend, caps)
            plans[key] = (recipe, backend, caps, tasks)
    print('| key | seed | threads | loss | train acc | test acc | s/epoch |\n'
          '|---|---|---|---|---|---|---|', flush=True)
    failed = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {key: [(kind, pool.submit(one_run, recipe, backend, seed, threads, caps))
                         for kind, seed, threads in tasks]
                   for key, (recipe, backend, caps, tasks) in plans.items()}
        for key, submitted in futures.items():
            recipe, backend, caps, _ = plans[key]
            runs, references = [], []
            try:
                for kind, future in submitted:
                    run = future.result()
                    (runs if kind == 'run' else references).append(run)
                    print(f"| {key} | {run['seed']} | {run['host']['threads']} | "
                          f"{run['loss']:.4f} | {run['train_acc']:.4f} | {run['test_acc']:.4f} "
                          f"| {run['seconds_per_epoch']:.2f} |", flush=True)
                save(key, entry_for(recipe, backend, runs, references, caps, command))
            except Exception as e:  # the other entries are still worth saving
                failed.append(key)
                print(f'{key}: FAILED, not saved: {e}', file=sys.stderr, flush=True)
    if failed:
        sys.exit(f'not measured: {", ".join(failed)}')
    print(f'profile of this process: {profile()}')


if __name__ == '__main__':
    main()
