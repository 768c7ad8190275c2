"""The modern lane: PyTorch on Python 3.13, numpy 2 and current torch, the one-pip-line install.

    python -m d2l_lenet.modern            build (or reuse) .venv-modern and run the lane

The venv is made by ``python3.13 -m venv`` and ``pip install -c constraints-modern.txt -e
'.[torch]' -r requirements-modern.txt`` (the students' line, plus the test tools), reused
while those three files are unchanged. In it: the unit tests that need neither MXNet nor the
upstream d2l packages (those are skipped, named, by tests/conftest.py), and the PyTorch
chapter notebooks replayed by nbval under the same checks as the course environment. A last
line says how far its runs landed from the course environment's runs of the same seed.
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

from .recipes import ROOT

VENV = ROOT / '.venv-modern'
KERNEL = 'd2l-lenet-modern'
FILES = ('pyproject.toml', 'requirements-modern.txt', 'constraints-modern.txt')
NOTEBOOKS = ['notebooks/pytorch/lenet_v1.ipynb', 'notebooks/pytorch/lenet.ipynb',
             'notebooks/pytorch/lenet_en.ipynb']
TESTS = ['tests/test_data.py', 'tests/test_nbval_numbers.py', 'tests/test_capture.py',
         'tests/test_core.py', 'tests/test_threads.py', 'tests/test_bands.py',
         'tests/test_isolation.py', 'tests/test_report.py', 'tests/test_packaging.py']


def interpreter():
    """Python 3.13: D2L_MODERN_PYTHON, else pyenv's 3.13, else python3.13 on the PATH."""
    chosen = os.environ.get('D2L_MODERN_PYTHON', '').strip()
    if chosen:
        return chosen
    pyenv = shutil.which('pyenv')
    if pyenv:
        done = subprocess.run([pyenv, 'prefix', '3.13'], capture_output=True, text=True)
        prefix = done.stdout.strip().splitlines()[-1] if done.returncode == 0 else ''
        if prefix and (pathlib.Path(prefix) / 'bin' / 'python3.13').exists():
            return str(pathlib.Path(prefix) / 'bin' / 'python3.13')
    return shutil.which('python3.13')


def fingerprint():
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_venv():
    """The modern venv's python, built (or rebuilt when FILES changed), or None with why."""
    stamp = VENV / '.installed'
    python = VENV / 'bin' / 'python'
    if stamp.exists() and stamp.read_text() == fingerprint() and python.exists():
        return python, None
    base = interpreter()
    if not base:
        return None, ('no Python 3.13 found (set D2L_MODERN_PYTHON, or install it, e.g. '
                      '`pyenv install 3.13`)')
    shutil.rmtree(VENV, ignore_errors=True)
    steps = [[base, '-m', 'venv', str(VENV)],
             [str(python), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
              '-c', 'constraints-modern.txt', '-e', '.[torch]', '-r', 'requirements-modern.txt'],
             [str(python), '-m', 'ipykernel', 'install', '--prefix', str(VENV), '--name', KERNEL,
              '--display-name', 'Python 3.13 (d2l: PyTorch, modern stack)']]
    for step in steps:
        print('$', ' '.join(step), flush=True)
        if subprocess.run(step, cwd=ROOT).returncode != 0:
            return None, f'`{" ".join(step)}` failed'
    stamp.write_text(fingerprint())
    return python, None


def versions(python):
    code = ('import sys, numpy, torch, importlib.util as u; print(sys.version.split()[0], '
            'numpy.__version__, torch.__version__, u.find_spec("mxnet") is None)')
    return subprocess.run([str(python), '-c', code], capture_output=True, text=True,
                          cwd=ROOT).stdout.split()


def landed(modern_records, course_records):
    """Per recipe, the modern run's final metrics minus the course run's (same seed)."""
    def final(path):
        found = {}
        if pathlib.Path(path).exists():
            for line in pathlib.Path(path).read_text().splitlines():
                if line.strip():
                    r = json.loads(line)
                    if r['backend'] == 'torch' and r['seed'] is not None:
                        found[r['recipe'], r['seed']] = r['epochs'][-1]
        return found
    mine, theirs = final(modern_records), final(course_records)
    return {key: {m: mine[key][m] - theirs[key][m] for m in ('loss', 'train_acc', 'test_acc')}
            for key in sorted(set(mine) & set(theirs))}


def run(lanes, nbval_extra, build):
    """Build or reuse the venv, run the lane; 0 when it passed."""
    from .testrun import NBVAL, lane_env, pytest
    python, why = ensure_venv()
    if python is None:
        print(f'modern lane: FAILED to set up: {why}', flush=True)
        return 1
    py, numpy, torch, no_mxnet = versions(python)
    print(f'modern lane: Python {py}, numpy {numpy}, torch {torch}, MXNet '
          f'{"absent" if no_mxnet == "True" else "PRESENT"}', flush=True)
    records = build / 'test-runs-modern.jsonl'
    records.unlink(missing_ok=True)
    env = lane_env(lanes, records)
    xdist = ['-n', str(lanes), '--dist', 'loadfile'] if lanes > 1 else []
    status = pytest([*TESTS, *NOTEBOOKS, *NBVAL, '--nbval-kernel-name', KERNEL, *nbval_extra,
                     *xdist, '-rs'], env, build / 'junit-modern.xml', python=python)
    for (recipe, seed), diff in landed(records, build / 'test-runs.jsonl').items():
        print(f'modern lane: {recipe} seed {seed}, modern minus course: ' + ', '.join(
            f'{m} {v:+.2e}' for m, v in diff.items()), flush=True)
    return status


if __name__ == '__main__':
    build = ROOT / 'build'
    build.mkdir(exist_ok=True)
    sys.exit(run(2, [], build))
