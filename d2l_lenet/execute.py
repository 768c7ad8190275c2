"""Run notebooks elsewhere (a GPU machine, a fresh kernel) and report, leaving the committed ones alone.

    python -m d2l_lenet.execute NOTEBOOK... [--out DIR] [--kernel python3] [--timeout 1800]

Each notebook runs top to bottom in a fresh kernel (nbclient; no Jupyter server, no
nbconvert), and its executed copy goes to DIR. One line per notebook: wall-clock seconds,
the device its trainer printed, the band check's verdict, and the first error if a cell
raised. Exits non-zero if any notebook raised.
"""
import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

VERDICT_WORDS = ('OUTSIDE', 'EXCEEDS', 'FAILS', 'band over seeds', 'same-seed reference',
                 'band only', "claim '")


def texts(nb):
    """Every stream and text/plain output of ``nb``, in order."""
    for cell in nb.cells:
        for output in cell.get('outputs', []):
            if output.get('output_type') == 'stream':
                yield output['text']
            elif 'text/plain' in output.get('data', {}):
                yield output['data']['text/plain']


def summary(nb):
    """The trainer's device line and the band check's lines of an executed notebook."""
    lines = [line for text in texts(nb) for line in text.splitlines()]
    device = [line for line in lines if line.startswith('training on') or ' on cuda' in line
              or ' on gpu' in line or ' on cpu' in line]
    verdict = [line.strip() for line in lines if any(w in line for w in VERDICT_WORDS)
               or line.startswith('  ') and (' in band ' in line or 'OUTSIDE' in line)]
    return device[-1:], verdict


def run(path, out_dir, kernel, timeout):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # a cell after an error must not show the committed outputs
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                            resources={'metadata': {'path': str(pathlib.Path(path).parent)}})
    start, error = time.perf_counter(), None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1]
    seconds = time.perf_counter() - start
    target = out_dir / pathlib.Path(path).parent.name / pathlib.Path(path).name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    device, verdict = summary(nb)
    print(f'== {path}: {seconds:.1f} s{"  ERROR: " + error if error else ""}')
    for line in device + verdict:
        print(f'   {line}')
    return error is None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('notebooks', nargs='+')
    parser.add_argument('--out', default=os.environ.get('OUT', 'build/executed'))
    parser.add_argument('--kernel', default='python3')
    parser.add_argument('--timeout', type=int, default=1800)
    args = parser.parse_args()
    out_dir = pathlib.Path(args.out)
    ok = [run(nb, out_dir, args.kernel, args.timeout) for nb in args.notebooks]
    sys.exit(0 if all(ok) else 1)


if __name__ == '__main__':
    main()
