"""The book's sections as pinned in ../shared/book: one tab's code cells, as d2l.ai's own
per-framework notebooks have them.

d2lbook markdown fences code as ```{.python .input}. The Chinese editions tag a tab's cell
with a '#@tab NAME[, NAME]' line (none: the first tab, mxnet; 'all': every tab). d2l-en 1.0
starts a cell with '%%tab NAME[, NAME]' and branches inside cells on ``tab.selected(...)``;
a tab's notebook has those branches resolved, the other tabs' removed.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK = ROOT.parent / 'shared' / 'book'
TAB_OF = {'mxnet': 'mxnet', 'torch': 'pytorch'}  # backend -> the book's tab name
_FENCE = re.compile(r'```\{\.python \.input\}\n(.*?)```', re.S)
_SELECTED = re.compile(r"^(\s*)if tab\.selected\(([^)]*)\):\n", re.M)


def section(path):
    """The text of a pinned section, e.g. 'd2l-en-v1.0.3/lenet.md'."""
    return (BOOK / path).read_text(encoding='utf-8')


def _tabs(header):
    return {n.strip() for n in header.split(None, 1)[1].split(',')}


def tab_cells(path, tab):
    """The code cells of one tab ('mxnet', 'pytorch', ...) of a pinned d2lbook section."""
    cells = []
    for block in _FENCE.findall(section(path)):
        lines = block.rstrip('\n').split('\n')
        if lines[0].startswith('%%tab'):
            if tab not in _tabs(lines[0]) and 'all' not in _tabs(lines[0]):
                continue
            cells.append(resolve(('\n'.join(lines[1:])), tab))
        elif lines[0].startswith('%load_ext') or lines[0].startswith('tab.'):
            continue  # d2lbook's tab machinery itself
        else:
            tags = [line.split(None, 1)[1] for line in lines if line.startswith('#@tab')]
            names = {n.strip() for n in tags[0].split(',')} if tags else {'mxnet'}
            if tab in names or 'all' in names:
                cells.append('\n'.join(line for line in lines if not line.startswith('#@tab')))
    return cells


def resolve(source, tab):
    """``source`` with its ``if tab.selected(...):`` blocks kept, dedented, for ``tab`` and
    dropped for the others (a block ends where its indentation does)."""
    lines, out, i = source.split('\n'), [], 0
    while i < len(lines):
        match = _SELECTED.match(lines[i] + '\n')
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent = len(match.group(1))
        names = {n.strip().strip('\'"') for n in match.group(2).split(',')}
        i += 1
        body = []
        while i < len(lines) and (not lines[i].strip() or
                                  len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():  # blank lines after a block belong to what follows
            body.pop()
            i -= 1
        if tab in names:
            step = min(len(b) - len(b.lstrip()) for b in body if b.strip()) - indent
            out.extend(b[step:] if b.strip() else b for b in body)
    return '\n'.join(out)
