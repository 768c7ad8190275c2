"""Write reports/compare.md and its figures from the run records (make compare).

    python scripts/compare.py [--records results/runs.jsonl] [--out reports]
"""
import argparse
import os
import sys

from d2l_compat import report

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Relative paths: the report names its source, and should not name this machine's folders.
    parser.add_argument('--records', default=os.path.relpath(os.path.join(ROOT, 'results',
                                                                          'runs.jsonl')))
    parser.add_argument('--out', default=os.path.relpath(os.path.join(ROOT, 'reports')))
    args = parser.parse_args()
    try:
        report.build(args.records, args.out)
    except (OSError, ValueError) as e:
        sys.exit(f'compare: {e}')
    print(f'wrote {os.path.join(args.out, "compare.md")}')


if __name__ == '__main__':
    main()
