"""Measure accuracy bands: every recipe x backend over several seeds, on the real data.

    python scripts/measure_bands.py [--seeds 0 1 2 3 4] [--recipes lenet-v1 ...]

Each run is a fresh process (scripts/recipes.py); a heavy recipe runs under its caps
(recipes.CAPPED) and its band is keyed 'recipe/backend@profile'. Merges each band into
d2l_compat/bands.json as soon as it is measured (per-seed finals and the band: observed
range widened by the margins below), keeping the others, and prints a Markdown table.
About 3 minutes per 5-epoch recipe on 2 cores.
"""
import argparse
import fcntl
import json
import os
import subprocess
import sys

from d2l_compat import bands
from recipes import BAND_SEEDS, CAPPED, RECIPES  # beside this script

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'd2l_compat', 'bands.json')
# Five seeds see only part of the spread (d2l's 33 published builds: test acc 0.761-0.826
# for v2), so the band is the observed range widened by these margins.
MARGINS = {'loss': 0.10, 'train_acc': 0.03, 'test_acc': 0.03}  # loss: relative, acc: absolute


def band(values, key):
    lo, hi = min(values), max(values)
    if key == 'loss':
        return [round(lo * (1 - MARGINS[key]), 4), round(hi * (1 + MARGINS[key]), 4)]
    return [round(max(lo - MARGINS[key], 0), 4), round(min(hi + MARGINS[key], 1), 4)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+',
                        help='default: 0-4, or fewer for recipes in recipes.BAND_SEEDS')
    parser.add_argument('--recipes', nargs='+', choices=RECIPES, default=list(RECIPES))
    parser.add_argument('--no-caps', action='store_true',
                        help='run heavy recipes on the full data too (hours on a CPU)')
    args = parser.parse_args()
    command = ('python scripts/measure_bands.py ' + ('--no-caps ' if args.no_caps else '') +
               ('--seeds ' + ' '.join(map(str, args.seeds)) + ' ' if args.seeds else '') +
               '--recipes ' + ' '.join(args.recipes))
    rows = ['| recipe | backend | seed | loss | train acc | test acc | s/epoch |',
            '|---|---|---|---|---|---|---|']
    for recipe in args.recipes:
        # Heavy recipes are banded under their caps (recipes.CAPPED), the profile CI runs.
        caps = {} if args.no_caps else CAPPED.get(recipe, {})
        env = {**os.environ, **{f'D2L_{k.upper()}': str(v) for k, v in caps.items()}}
        for backend in ('mxnet', 'torch'):
            runs = []
            for seed in args.seeds or range(BAND_SEEDS.get(recipe, 5)):
                out = subprocess.run([sys.executable, os.path.join(HERE, 'recipes.py'),
                                      recipe, backend, str(seed)],
                                     capture_output=True, text=True, check=True, env=env)
                record = json.loads(out.stdout.strip().splitlines()[-1])
                final = record['epochs'][-1]
                secs = sum(e['seconds'] for e in record['epochs']) / len(record['epochs'])
                runs.append({'seed': seed, 'loss': final['loss'],
                             'train_acc': final['train_acc'], 'test_acc': final['test_acc'],
                             'seconds_per_epoch': round(secs, 2), 'host': record['host']})
                rows.append(f"| {recipe} | {backend} | {seed} | {final['loss']:.4f} | "
                            f"{final['train_acc']:.4f} | {final['test_acc']:.4f} | {secs:.2f} |")
                print(rows[-1], flush=True)
            save(bands.key_for(recipe, backend, caps), {
                'runs': runs, 'produced_by': command, 'caps': caps,
                **{key: band([r[key] for r in runs], key) for key in MARGINS}})
    print('\n'.join(rows))


def save(key, entry):
    """Merge one band into bands.json under a lock (two measurements may run at once)."""
    with open(OUT + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = {'margins': MARGINS, 'bands': {}}
        if os.path.exists(OUT):
            with open(OUT) as f:
                result['bands'] = json.load(f)['bands']
        result['bands'][key] = entry
        tmp = OUT + '.part'
        with open(tmp, 'w') as f:
            json.dump(result, f, indent=1, sort_keys=True)
            f.write('\n')
        os.replace(tmp, OUT)


if __name__ == '__main__':
    main()
