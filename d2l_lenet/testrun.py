"""The whole suite, as ``make test`` runs it: unit tests, then every notebook replayed by nbval.

    python -m d2l_lenet.testrun [--lanes 2] [--kernel d2l-lenet] [PYTEST_ARGS...]

- Unit tests and the notebooks that run on the full data go to one pytest, in ``--lanes``
  kernels side by side (pytest-xdist, one notebook per lane at a time), each lane with the
  cores divided between the lanes: small nets use one thread poorly, so two notebooks side
  by side finish sooner than one with every core (``--lanes 1``: one at a time, threads as
  the shim's policy chooses).
- Notebooks whose recipes are capped (d2l_lenet.recipes.CAPPED) run under the caps their
  outputs and bands were made with, each in a pytest of its own, ``--lanes`` at a time.
- The comparison notebook, built from the records of this very run (D2L_RESULTS).
- Last, the modern lane (``d2l_lenet.modern``): in a second venv with Python 3.13, numpy 2
  and current PyTorch (no MXNet, no upstream d2l), the unit tests that apply there and the
  PyTorch chapter notebooks, held to the same checks.

Every notebook runs even after a failure; the exit status is 1 if anything failed, and the
last line counts what passed and failed over all of them (from each pytest's JUnit XML).
"""
import argparse
import concurrent.futures
import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

from . import modern
from .recipes import ROOT, caps_for

NBVAL = ['--nbval', '--nbval-sanitize-with', 'tests/sanitize.cfg', '--nbval-cell-timeout',
         '1800', '-v']


def notebooks():
    """The backend notebooks, split into (full, capped)."""
    found = sorted(ROOT.glob('notebooks/*/*.ipynb'))
    found = [p.relative_to(ROOT) for p in found if p.parent.name != 'notebooks']
    return ([p for p in found if not caps_for(p)], [p for p in found if caps_for(p)])


def lane_env(lanes, results):
    """The environment of every pytest: where run records go, and each lane's threads."""
    env = dict(os.environ, D2L_RESULTS=str(results), D2L_ANIMATOR='final')
    if lanes > 1:
        threads = str(max(1, (os.cpu_count() or 1) // lanes))
        env.update(D2L_NUM_THREADS=threads, OMP_NUM_THREADS=threads)
    return env


def caps_env(notebook):
    return {f'D2L_{k.upper()}': str(v) for k, v in caps_for(notebook).items()}


def pytest(args, env, junit, python=sys.executable):
    """One pytest run; its exit status (its output goes straight to ours)."""
    command = [str(python), '-m', 'pytest', *args, f'--junitxml={junit}']
    print('$', ' '.join(command), flush=True)
    return subprocess.run(command, env=env, cwd=ROOT).returncode


def counts(junit_files):
    """(passed, failed, skipped) over JUnit XML files (a missing file counts one failure)."""
    passed = failed = skipped = 0
    for path in junit_files:
        if not pathlib.Path(path).exists():
            failed += 1
            continue
        for suite in ET.parse(path).getroot().iter('testsuite'):
            tests, skip = int(suite.get('tests', 0)), int(suite.get('skipped', 0))
            bad = int(suite.get('failures', 0)) + int(suite.get('errors', 0))
            passed, failed, skipped = passed + tests - bad - skip, failed + bad, skipped + skip
    return passed, failed, skipped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lanes', type=int, default=2)
    parser.add_argument('--kernel', default='d2l-lenet')
    parser.add_argument('--no-modern', action='store_true', help='skip the modern lane')
    args, extra = parser.parse_known_args(argv)
    if args.lanes < 1:
        parser.error(f'--lanes {args.lanes}: expected 1 or more')
    build = ROOT / 'build'
    build.mkdir(exist_ok=True)
    results = build / 'test-runs.jsonl'
    results.unlink(missing_ok=True)
    for old in build.glob('junit-*.xml'):
        old.unlink()
    env = lane_env(args.lanes, results)
    nbval = NBVAL + ['--nbval-kernel-name', args.kernel] + extra
    full, capped = notebooks()
    xdist = ['-n', str(args.lanes), '--dist', 'loadfile'] if args.lanes > 1 else []
    statuses = [pytest(['tests', *map(str, full), *nbval, *xdist], env, build / 'junit-main.xml')]
    with concurrent.futures.ThreadPoolExecutor(args.lanes) as pool:
        statuses += pool.map(lambda nb: pytest([str(nb), *nbval], dict(env, **caps_env(nb)),
                                               build / f'junit-{nb.parent.name}-{nb.stem}.xml'),
                             capped)
    statuses.append(pytest(['notebooks/compare.ipynb', *nbval], env, build / 'junit-compare.xml'))
    if not args.no_modern:
        statuses.append(modern.run(args.lanes, extra, build))
    passed, failed, skipped = counts(sorted(build.glob('junit-*.xml')))
    print(f'make test: {passed} passed, {failed} failed, {skipped} skipped')
    return 1 if any(statuses) or failed else 0


if __name__ == '__main__':
    sys.exit(main())
