"""Write the README's measured tables from the committed data (bands.json, the run records).

    python scripts/readme.py            rewrite the generated blocks of README.md
    python scripts/readme.py --check    exit 1 if they are out of date (tests/test_readme.py)

A generated block sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``;
everything else in the README is written by hand, and quotes no measured number.
"""
import argparse
import pathlib
import re
import sys

from d2l_compat import bands, report

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import recipes  # noqa: E402

BLOCK = re.compile(r'(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)', re.S)


def bands_table():
    """Every recipe x backend: seeds, final test accuracy over them, what a run is held to."""
    table = bands.load()['bands']
    lines = ['| recipe | backend | profile | seeds | test acc: mean ± sd [min, max] '
             '| a run is held to | same-seed tolerance (test acc) |', '|---|---|---|---|---|---|---|']
    for key in sorted(table, key=lambda k: (report.recipe_order(k.split('/')[0]), k)):
        entry = table[key]
        recipe, rest = key.split('/')
        backend, _, profile = rest.partition('@')
        accs = [run['test_acc'] for run in entry['runs']]
        if entry.get('claim'):
            held = f"claim '{entry['claim']}' (seeds {entry.get('claim_seeds')})"
        else:
            held = f"band [{entry['test_acc'][0]}, {entry['test_acc'][1]}]"
        tolerance = entry['tolerance']['test_acc'] if entry.get('references') else '—'
        lines.append(f'| {recipe} | {backend} | {profile or "full"} | {len(accs)} | '
                     f'{bands.spread(accs)} | {held} | {tolerance} |')
    return '\n'.join(lines)


def samestart_summary():
    """The comparison report's verdict and summary table."""
    built = report.Report(str(ROOT / 'results' / 'runs.jsonl'),
                          str(ROOT / 'results' / 'samestart.jsonl'))
    return built.verdict() + '\n\n' + built.summary()


GENERATORS = {'bands': bands_table, 'samestart': samestart_summary}


def render(text):
    def block(match):
        return f'{match.group(1)}{GENERATORS[match.group(2)]()}\n{match.group(4)}'
    return BLOCK.sub(block, text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    path = ROOT / 'README.md'
    text = path.read_text()
    new = render(text)
    if args.check:
        if new != text:
            sys.exit('README.md: generated blocks are out of date; run python scripts/readme.py')
        return
    path.write_text(new)


if __name__ == '__main__':
    main()
