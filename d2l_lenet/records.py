"""Run-record files: merge a part file into results/runs.jsonl.

    python -m d2l_lenet.records --merge PART [INTO]

``make run NOTEBOOKS='...'`` re-executes some notebooks only; their records (PART) then replace
those of the same recipe and backend in INTO (default results/runs.jsonl), and every other
record stays (a run without a recipe name replaces nothing). The file is rewritten through a part file and renamed when complete.
"""
import json
import os
import sys

from .recipes import ROOT

RUNS = ROOT / 'results' / 'runs.jsonl'


def _lines(path):
    with open(path) as f:
        return [line if line.endswith('\n') else line + '\n' for line in f if line.strip()]


def merge(part, into=RUNS):
    """Replace ``into``'s records of each (recipe, backend) in ``part`` by ``part``'s; returns
    how many records were replaced and how many added."""
    def key(line):
        record = json.loads(line)
        return record.get('recipe'), record.get('backend')
    new = _lines(part)
    fresh = {key(line) for line in new if key(line)[0]}  # unnamed runs replace nothing
    old = _lines(into) if os.path.exists(into) else []
    kept = [line for line in old if key(line) not in fresh]
    tmp = f'{into}.merging'
    with open(tmp, 'w') as f:
        f.writelines(kept + new)
    os.replace(tmp, into)
    os.remove(part)
    return len(old) - len(kept), len(new)


def main(argv):
    if not argv or argv[0] != '--merge' or len(argv) not in (2, 3):
        sys.exit(__doc__)
    replaced, added = merge(argv[1], *(argv[2:] or [RUNS]))
    print(f'{argv[1]}: {added} records in, {replaced} older ones of the same recipes replaced')


if __name__ == '__main__':
    main(sys.argv[1:])
