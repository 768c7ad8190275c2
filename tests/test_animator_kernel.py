"""In a real Jupyter kernel the Animator shows one figure and updates it in place."""
import nbformat
import pytest
from nbclient import NotebookClient

CELL = '''
from d2l_compat.animator import Animator
animator = Animator(xlabel='epoch', xlim=[1, 5], legend=['train loss'])
for epoch in range(1, 6):
    animator.add(epoch, 1.0 / epoch)
print(animator.mode)
'''


@pytest.mark.parametrize('mode, figures', [('', 1), ('final', 0), ('off', 0)])
def test_one_figure_per_animator_in_a_kernel(mode, figures, monkeypatch):
    monkeypatch.setenv('D2L_ANIMATOR', mode)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(nb, kernel_name='d2l-lenet', timeout=120).execute()
    outputs = nb.cells[0].outputs
    shown = [o for o in outputs if o.output_type == 'display_data']
    assert len(shown) == figures  # live: one output, redrawn in place, never piled up
    if figures:
        assert 'image/png' in shown[0].data
    printed = ''.join(o.get('text', '') for o in outputs if o.output_type == 'stream')
    assert printed.strip() == (mode or 'live')
