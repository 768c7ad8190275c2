"""Code from the notebooks' .py twins in a test: the book's own function definitions, and the
book's cells as the pinned release has them (../shared/book)."""
import pathlib
import re

import jupytext

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = {'mxnet': 'mxnet', 'torch': 'pytorch'}


def code_cells(backend, notebook):
    """The book's code cells (those this project added, tagged 'added', left out)."""
    path = ROOT / 'notebooks' / FOLDERS[backend] / f'{notebook}.py'
    return [c.source for c in jupytext.read(path).cells
            if c.cell_type == 'code' and 'added' not in c.metadata.get('tags', [])]


def book_functions(backend, notebook, *names):
    """The notebook's first cell (imports, net) and the cells defining ``names``, executed."""
    cells = code_cells(backend, notebook)
    namespace = {'__name__': f'{notebook}_under_test'}
    exec(compile(cells[0], f'{notebook}[1]', 'exec'), namespace)
    for name in names:
        (cell,) = [c for c in cells if re.search(rf'^def {name}\(', c, re.M)]
        # A definition cell may end with a call (try_gpu's cell does); keep the definition.
        source = cell.split('\n\n' + name, 1)[0] if f'\n{name} = ' in cell else cell
        exec(compile(source, f'{notebook}:{name}', 'exec'), namespace)
    return namespace


BOOK = ROOT.parent / 'shared' / 'book'
# notebook -> (pinned section, its revision as SOURCES.md names it)
PINNED = {'lenet': ('d2l-zh-v2.0.0/lenet.md', '标签 `v2.0.0`'),
          'lenet_v1': ('d2l-zh-v1/lenet.md', '分支 `v1`')}


def pinned_cells(section, tab):
    """The code cells of one tab of a d2lbook section: untagged cells are the first tab
    (mxnet), '#@tab NAME[, NAME]' names theirs, '#@tab all' is every tab's; the tag line
    itself is not code."""
    text = (BOOK / section).read_text(encoding='utf-8')
    cells = []
    for block in re.findall(r'```\{\.python \.input\}\n(.*?)```', text, re.S):
        lines = block.rstrip('\n').split('\n')
        tags = [line.split(None, 1)[1] for line in lines if line.startswith('#@tab')]
        names = {n.strip() for n in tags[0].split(',')} if tags else {'mxnet'}
        if tab in names or 'all' in names:
            cells.append('\n'.join(line for line in lines if not line.startswith('#@tab')))
    return cells
