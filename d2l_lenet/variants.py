"""Seed 0 of every recipe again under other numerics: the runs tolerances are measured from.

    python -m d2l_lenet.variants [--variants native-1t avx2-1t ...] [--recipes ...] [--jobs 2]
    python -m d2l_lenet.variants --merge     variants into bands.json, tolerances recomputed

A variant is a legitimate way for a correct run to compute other digits: another CPU (the
machine's own, its model name in the run's host), another instruction set for the same
kernels (``avx2-*``), another thread count, a GPU (the H100 runs in results/gpu-h100). Each
run is one JSON line appended to results/variants.jsonl (key, variant, settings, run),
written as soon as it is done; ``--merge`` puts them, with the GPU's seed-0 runs, into each
bands.json entry's ``variants`` and rewrites the fields ``d2l_lenet.tolerances`` derives.
"""
import argparse
import concurrent.futures
import json
import sys

from . import measure as measure_bands
from d2l_compat import bands
from . import tolerances
from .recipes import CAPPED, RECIPES, ROOT

OUT = ROOT / 'results' / 'variants.jsonl'
GPU_RECORDS = sorted((ROOT / 'results' / 'gpu-h100').glob('*runs.jsonl'))
AVX2 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2', 'DNNL_MAX_CPU_ISA': 'AVX2',
        'MKL_ENABLE_INSTRUCTIONS': 'AVX2'}
VARIANTS = {  # name -> (threads, environment)
    'native-1t': (1, {}),
    'native-2t': (2, {}),
    'avx2-1t': (1, AVX2),
    'avx2-2t': (2, AVX2),
}


def gpu_variants():
    """(key, variant) for every seed-0 run on the GPU that trained from a seed, as measured."""
    from d2l_compat.core import load_records
    found = []
    for path in GPU_RECORDS:
        for record in load_records(path):
            if record.seed != 0 or not record.recipe or record.start:
                continue
            epochs = [{m: e[m] for m in bands.METRICS} for e in record.epochs]
            run = {'seed': 0, 'epochs': epochs, 'host': record.host, **epochs[-1],
                   'variant': 'h100', 'settings': {'device': record.device}}
            found.append((bands.key_for(record.recipe, record.backend, record.caps), run))
    return found


def measured_variants(path=OUT):
    """(key, variant) for every line of results/variants.jsonl."""
    found = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                found.append((item['key'], dict(item['run'], variant=item['variant'],
                                                settings=item['settings'])))
    return found


def merge(bands_file=bands.BANDS_FILE):
    """Every entry's ``variants`` from the measured and GPU runs; its derived fields anew."""
    with measure_bands.locked(bands_file):
        _merge(bands_file)


def _merge(bands_file):
    table = bands.load(bands_file)
    grouped = {}
    for key, run in measured_variants() + gpu_variants():
        grouped.setdefault(key, []).append(run)
    for key, entry in table['bands'].items():
        entry['variants'] = sorted(grouped.get(key, []),
                                   key=lambda r: (r['variant'], json.dumps(r['epochs'])))
        tolerances.rederive(entry)
        gpu = entry.get('gpu', {})
        print(f"{key}: {len(tolerances.variation(entry))} CPU variations, tolerance "
              f"{entry['tolerance']}{', chaotic' if entry['chaotic'] else ''}; "
              f"{len(tolerances.variation(entry, gpu=True))} GPU"
              f"{', chaotic' if gpu.get('chaotic') else ''}"
              f"{', other mode' if 'other_mode' in gpu else ''}")
    measure_bands.write(table, bands_file)


def main():
    if sys.argv[1:] == ['--merge']:
        return merge()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--variants', nargs='+', choices=VARIANTS, default=['native-1t', 'avx2-1t'])
    parser.add_argument('--recipes', nargs='+', choices=RECIPES, default=list(RECIPES))
    parser.add_argument('--backends', nargs='+', default=['mxnet', 'torch'])
    parser.add_argument('--jobs', type=int, default=2)
    args = parser.parse_args()
    tasks = [(recipe, backend, variant) for recipe in args.recipes for backend in args.backends
             for variant in args.variants]

    def one(task):
        recipe, backend, variant = task
        threads, extra = VARIANTS[variant]
        caps = CAPPED.get(recipe, {})
        run = measure_bands.one_run(recipe, backend, 0, threads, caps, extra)
        line = json.dumps({'key': bands.key_for(recipe, backend, caps), 'variant': variant,
                           'settings': extra, 'run': run}, sort_keys=True)
        with open(OUT, 'a') as f:  # one write per line: side-by-side runs never interleave
            f.write(line + '\n')
        return task, run

    failed = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for future in concurrent.futures.as_completed([pool.submit(one, t) for t in tasks]):
            try:
                (recipe, backend, variant), run = future.result()
                print(f"{recipe}/{backend} {variant}: loss {run['loss']:.6f} test acc "
                      f"{run['test_acc']:.4f} ({run['seconds_per_epoch']} s/epoch)", flush=True)
            except Exception as e:
                failed.append(str(e)[:300])
                print(f'FAILED: {e}', file=sys.stderr, flush=True)
    if failed:
        sys.exit(f'{len(failed)} runs failed')


if __name__ == '__main__':
    main()
