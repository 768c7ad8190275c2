"""Does this machine compute the measured runs' digits, or those of a known other machine?

    python scripts/numerics.py            explains on stderr; prints 'measured' or 'other' last
    python scripts/numerics.py --record   add this machine's probe digits to results/numerics.json

The same-seed references, the claims about chaotic outcomes and the notebooks' committed
outputs were made on one kind of machine. A CPU with another instruction set runs other
oneDNN kernels, which add the same numbers in another order: the same seeded run ends a few
digits away, and a chaotic recipe (ex3's collapse) somewhere else. The CPU's model name does
not tell (two such machines here both say "AMD EPYC"), so this asks the machine itself: one
capped run per backend (PROBE at its test profile, seed 0, one thread), with
every epoch's loss, train acc and test acc compared to the last digit:

- equal to the measured one-thread run in bands.json: 'measured';
- equal to the digits recorded for a known other machine (results/numerics.json): 'other';
  `make test` then sets D2L_NUMERICS=other (runs held to their bands; claims and the
  notebooks' CPU-specific asserts reported, not raised) and replays the notebooks with
  nbval --nbval-lax;
- neither: exit 1. Either the code now computes other digits (a regression on the measured
  machine) or this is a new kind of machine: record it with --record, after checking that the
  code did not change what it computes.

So a change that moves the digits fails here instead of quietly weakening `make test`.
"""
import argparse
import concurrent.futures
import datetime
import json
import pathlib
import sys

import measure_bands  # beside this script
import recipes
from d2l_compat import bands, core

PROBE, SEED = 'ex5-window', 0
BACKENDS = ('mxnet', 'torch')
KNOWN = recipes.ROOT / 'results' / 'numerics.json'


def measured_run(backend, caps):
    """The measured one-thread run of PROBE's seed, from bands.json."""
    entry = bands.load()['bands'][bands.key_for(PROBE, backend, caps)]
    runs = [run for run in entry['runs'] + entry.get('references', [])
            if run['seed'] == SEED and run['host'].get('threads') == 1]
    if not runs:
        raise SystemExit(f'bands.json has no one-thread run of {PROBE}/{backend} seed {SEED}')
    return runs[0]


def epochs_of(run):
    """A run's per-epoch loss, train acc and test acc: what the probe compares."""
    return [{metric: epoch[metric] for metric in bands.METRICS} for epoch in run['epochs']]


def differences(epochs, other):
    """Where ``epochs`` differ from ``other``'s (empty: equal to the last digit)."""
    if len(epochs) != len(other):
        return [f'{len(epochs)} epochs, against {len(other)}']
    return [f'epoch {number} {metric} {mine[metric]!r}, against {theirs[metric]!r}'
            for number, (mine, theirs) in enumerate(zip(epochs, other), 1)
            for metric in bands.METRICS if mine[metric] != theirs[metric]]


def vector_extensions():
    """The CPU's vector instruction sets that oneDNN chooses kernels by (Linux; '?' elsewhere)."""
    try:
        with open('/proc/cpuinfo') as f:
            flags = next((line.split(':', 1)[1].split() for line in f
                          if line.startswith('flags')), [])
    except OSError:
        return '?'
    return ' '.join(flag for flag in flags
                    if flag in ('avx', 'avx2', 'fma') or flag.startswith(('avx512', 'amx')))


def probe_runs():
    """This machine's probe run on each backend, as the references were measured (side by
    side, one thread each): epochs."""
    caps = recipes.CAPPED[PROBE]
    with concurrent.futures.ThreadPoolExecutor(len(BACKENDS)) as pool:
        runs = {b: pool.submit(measure_bands.one_run, PROBE, b, SEED, 1, caps) for b in BACKENDS}
        try:
            return {b: epochs_of(run.result()) for b, run in runs.items()}
        except RuntimeError as failed:
            raise SystemExit(f'the probe run failed: {failed}') from None


def known_machines():
    """The recorded other machines (results/numerics.json), each with its probe digits."""
    return json.loads(KNOWN.read_text())['machines'] if KNOWN.exists() else []


def verdict(epochs):
    """('measured' | 'other' | None, lines explaining it) for this machine's probe epochs."""
    caps = recipes.CAPPED[PROBE]
    measured = {b: differences(epochs[b], epochs_of(measured_run(b, caps))) for b in BACKENDS}
    if not any(measured.values()):
        return 'measured', [f'{PROBE} seed {SEED}, one thread: equal to the measured runs '
                            'in bands.json, digit for digit, on both backends']
    for machine in known_machines():
        if not any(differences(epochs[b], machine['probe'][b]) for b in BACKENDS):
            return 'other', [f"{PROBE} seed {SEED}, one thread: not the measured runs' digits "
                             f"({b}: {found[0]})" for b, found in measured.items() if found] + [
                f"but equal to those recorded for a known other machine ({machine['cpu']}; "
                f"vector extensions {machine['vector_extensions']}; {machine['recorded']})"]
    return None, [f'{b}: {"; ".join(found[:3])}' for b, found in measured.items() if found]


def record(epochs):
    """Add this machine's probe digits to results/numerics.json (not the measured machine's)."""
    if verdict(epochs)[0] is not None:
        raise SystemExit('this machine already matches the measured runs or a known machine')
    machines = known_machines() + [{
        'cpu': core.cpu_model(), 'vector_extensions': vector_extensions(),
        'recorded': str(datetime.date.today()), 'probe': epochs}]
    partial = KNOWN.with_name(KNOWN.name + '.part')
    partial.write_text(json.dumps({'machines': machines}, indent=1) + '\n')
    partial.replace(KNOWN)
    print(f'recorded in {KNOWN}', file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--record', action='store_true',
                        help="record this machine's probe digits as a known other machine")
    args = parser.parse_args()
    print(f'numerics: this machine: {core.cpu_model()}; vector extensions: '
          f'{vector_extensions()}', file=sys.stderr)
    epochs = probe_runs()
    if args.record:
        record(epochs)
        return
    found, lines = verdict(epochs)
    for line in lines:
        print(f'numerics: {line}', file=sys.stderr)
    if found is None:
        sys.exit('numerics: this machine computes neither the measured runs\' digits nor those '
                 'of a known machine (results/numerics.json). If the code changed what it '
                 'computes, that is a regression; if this is a new kind of machine and the '
                 'code is unchanged, record it: python scripts/numerics.py --record')
    print(found)


if __name__ == '__main__':
    main()
