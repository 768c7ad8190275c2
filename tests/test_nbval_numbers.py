"""d2l_lenet.nbval_numbers: outputs that say the same within a tolerance pass, others fail."""
import subprocess
import sys

import nbformat
import pytest

from d2l_lenet import nbval_numbers
from d2l_lenet.nbval_numbers import align

REF = 'epoch 1, loss 0.7123, train acc 0.710, test acc 0.72 (1, 6, 28, 28)\n'


@pytest.mark.parametrize('test, same', [
    (REF, True),
    ('epoch 1, loss 0.7125, train acc 0.711, test acc 0.71 (1, 6, 28, 28)\n', True),  # rounding edge
    ('epoch 1, loss 0.7153, train acc 0.710, test acc 0.72 (1, 6, 28, 28)\n', False),  # loss off
    ('epoch 1, loss 0.7123, train acc 0.710, test acc 0.72 (1, 6, 28, 29)\n', False),  # a shape
    ('epoch 2, loss 0.7123, train acc 0.710, test acc 0.72 (1, 6, 28, 28)\n', False),  # a count
    ('epoch 1, loss 0.7123, train acc 0.710, test acc 0.72 (1, 6, 28, 28)\nmore\n', False),
    ('epoch 1, cost 0.7123, train acc 0.710, test acc 0.72 (1, 6, 28, 28)\n', False),  # the text
])
def test_numbers_within_the_tolerance_plus_a_printed_digit_compare_equal(test, same):
    assert (align(REF, test, 0.001) == REF) is same


def test_a_numbers_vary_cell_compares_the_text_between_the_numbers_only():
    assert align(REF, REF.replace('0.7123', '2.3026').replace('(1, 6', '(9, 6'), 0, vary=True) == REF
    assert align(REF, REF.replace('loss', 'cost'), 0, vary=True) != REF


def test_a_notebook_takes_the_largest_per_epoch_tolerance_of_its_recipes():
    from d2l_compat import bands
    table = bands.load()['bands']
    assert nbval_numbers.tolerance_for('notebooks/pytorch/lenet.ipynb') == \
        max(table['lenet-v2/torch']['epoch_tolerance'].values())
    assert nbval_numbers.tolerance_for('notebooks/compare.ipynb') == 0.0


def _notebook(path, stored):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('print(f"loss {0.7123:.4f}, shape (1, 6)")')
    cell.outputs = [nbformat.v4.new_output('stream', name='stdout', text=stored)]
    cell.execution_count = 1
    nb.cells = [cell]
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3',
                                 'language': 'python'}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize('stored, passes', [('loss 0.7124, shape (1, 6)\n', True),
                                            ('loss 0.7131, shape (1, 6)\n', False)])
def test_nbval_with_the_plugin_passes_a_last_digit_and_fails_a_real_difference(tmp_path, stored,
                                                                               passes):
    path = _notebook(tmp_path / 'tiny.ipynb', stored)
    done = subprocess.run([sys.executable, '-m', 'pytest', '--nbval', '-p',
                           'd2l_lenet.nbval_numbers', '-p', 'no:cacheprovider', '-q', str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert (done.returncode == 0) is passes, done.stdout[-2000:]


def test_a_sign_belongs_to_its_number():
    """'+0.0140' against '-0.0010' is one number each, not text '+' against text ''."""
    ref = '| gap | +0.0140 | lenet-v2 | 1e-4 |'
    assert align(ref, '| gap | -0.0010 | lenet-v2 | 1e-4 |', 0, vary=True) == ref
    assert align(ref, '| gap | +0.0141 | lenet-v2 | 1e-4 |', 0.0) == ref  # the last digit
    assert align(ref, '| gap | -0.0140 | lenet-v2 | 1e-4 |', 0.001) != ref
