"""Does this machine reproduce the measured runs in bands.json digit for digit?

    python scripts/numerics.py        explains on stderr; prints 'measured' or 'other' last

The same-seed references, the claims about chaotic outcomes and the notebooks' committed
outputs were made on one kind of machine. A CPU with another instruction set runs other
oneDNN kernels, which add the same numbers in another order: the same seeded run ends a few
digits away, and a chaotic recipe (ex3's collapse) somewhere else. The CPU's model name does
not tell (two such machines here both say "AMD EPYC"), so this asks the machine itself: one
capped run per backend (PROBE at its test profile, seed 0, one thread, a few seconds) must
equal its measured one-thread run in every epoch's loss, train acc and test acc.
`make test` reads the verdict: on 'other' it sets D2L_NUMERICS=other (runs are held to their
bands; claims and the notebooks' CPU-specific asserts are reported, not raised) and replays
the notebooks without comparing their printed numbers (nbval --nbval-lax).
"""
import json
import os
import subprocess
import sys

import measure_bands  # beside this script
import recipes
from d2l_compat import bands, core

PROBE, SEED = 'ex5-window', 0
HERE = os.path.dirname(os.path.abspath(__file__))


def probe_env(caps):
    """The environment the one-thread references were measured in (measure_bands), with no
    run record written and no setting of the caller's that changes what a run computes."""
    env = measure_bands.run_env(1, caps, '')
    for name in ('D2L_RECORD_STEPS', 'D2L_NUMERICS'):
        env.pop(name, None)
    return env


def measured_run(backend, caps):
    """The measured one-thread run of PROBE's seed, from bands.json."""
    entry = bands.load()['bands'][bands.key_for(PROBE, backend, caps)]
    runs = [run for run in entry['runs'] + entry.get('references', [])
            if run['seed'] == SEED and run['host'].get('threads') == 1]
    if not runs:
        raise SystemExit(f'bands.json has no one-thread run of {PROBE}/{backend} seed {SEED}')
    return runs[0]


def differences(epochs, measured):
    """Where a run's epochs differ from the measured run's (empty: equal to the last digit)."""
    if len(epochs) != len(measured['epochs']):
        return [f"{len(epochs)} epochs, measured {len(measured['epochs'])}"]
    return [f'epoch {number} {metric} {mine[metric]!r}, measured {theirs[metric]!r}'
            for number, (mine, theirs) in enumerate(zip(epochs, measured['epochs']), 1)
            for metric in bands.METRICS if mine[metric] != theirs[metric]]


def start_probe(backend):
    """This machine's probe run on ``backend``, started (both backends run side by side)."""
    return subprocess.Popen([sys.executable, os.path.join(HERE, 'recipes.py'), PROBE, backend,
                             str(SEED)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=probe_env(recipes.CAPPED[PROBE]))


def probe_differences(backend, process):
    """Where the finished probe run differs from the measured one (empty: it does not)."""
    out, err = process.communicate()
    if process.returncode:
        raise SystemExit(f'the {backend} probe run ({PROBE}) failed:\n{err[-3000:]}')
    record = json.loads(out.strip().splitlines()[-1])
    return differences(record['epochs'], measured_run(backend, recipes.CAPPED[PROBE]))


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


def main():
    print(f'this machine: {core.cpu_model()}; vector extensions: {vector_extensions()}',
          file=sys.stderr)
    started = {backend: start_probe(backend) for backend in ('mxnet', 'torch')}
    verdict = 'measured'
    for backend, process in started.items():
        found = probe_differences(backend, process)
        where = f'{PROBE}/{backend} seed {SEED}, one thread'
        if found:
            verdict = 'other'
            print(f'{backend}: this machine does NOT reproduce the measured runs ({where}): '
                  + '; '.join(found[:3]), file=sys.stderr)
        else:
            print(f'{backend}: this machine reproduces the measured runs ({where}), digit for '
                  'digit', file=sys.stderr)
    print(verdict)


if __name__ == '__main__':
    main()
