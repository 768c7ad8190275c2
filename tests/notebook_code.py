"""Code from the notebooks' .py twins in a test: the book's own function definitions, and the
book's cells as the pinned release has them (../shared/book)."""
import pathlib
import re

import jupytext

from d2l_lenet import book

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


BOOK = book.BOOK
# notebook -> (pinned section, its revision as SOURCES.md names it, the import line's marker)
PINNED = {'lenet': ('d2l-zh-v2.0.0/lenet.md', '标签 `v2.0.0`', '  # 原书：'),
          'lenet_v1': ('d2l-zh-v1/lenet.md', '分支 `v1`', '  # 原书：'),
          'lenet_en': ('d2l-en-v1.0.3/lenet.md', 'tag `v1.0.3`', '  # book: ')}


def pinned_cells(section, tab):
    """The code cells of one tab of a pinned section (d2l_lenet.book.tab_cells)."""
    return book.tab_cells(section, tab)
