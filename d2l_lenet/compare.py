"""Write reports/compare.md and its figures from the run records (make compare).

    python -m d2l_lenet.compare [--records results/runs.jsonl]
                              [--samestart results/samestart.jsonl] [--out reports]

The notebook runs come from --records; the same-start runs (make samestart) from --samestart,
which may be missing: the report then says which command makes them.
"""
import argparse
import os
import sys

from . import report

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Relative paths: the report names its sources, and should not name this machine's folders.
    results = os.path.relpath(os.path.join(ROOT, 'results'))
    parser.add_argument('--records', default=os.path.join(results, 'runs.jsonl'))
    parser.add_argument('--samestart', default=os.path.join(results, 'samestart.jsonl'))
    parser.add_argument('--out', default=os.path.relpath(os.path.join(ROOT, 'reports')))
    args = parser.parse_args(argv)
    try:
        report.build(args.records, args.out, args.samestart)
    except (OSError, ValueError) as e:
        sys.exit(f'compare: {e}')
    print(f'wrote {os.path.join(args.out, "compare.md")}')


if __name__ == '__main__':
    main()
