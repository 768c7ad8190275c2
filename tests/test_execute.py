"""d2l_lenet/execute.py: notebooks run elsewhere leave the committed ones alone and report errors."""
import pathlib
import subprocess
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.cells[-1].outputs = [nbformat.v4.new_output('stream', text='stale output\n')]
    nbformat.write(nb, path)


def run(tmp_path, *notebooks):
    return subprocess.run([sys.executable, '-m', 'd2l_lenet.execute', *notebooks,
                           '--out', str(tmp_path / 'out')], capture_output=True, text=True,
                          timeout=300)


def test_a_clean_notebook_is_reported_and_copied_and_the_original_left_alone(tmp_path):
    source = tmp_path / 'nb' / 'ok.ipynb'
    source.parent.mkdir()
    notebook(source, "print('training on cpu')", "print('x: band over seeds 0, 1')")
    before = source.read_text()
    done = run(tmp_path, str(source))
    assert done.returncode == 0, done.stderr
    assert '== ' + str(source) in done.stdout and 'training on cpu' in done.stdout
    assert 'band over seeds' in done.stdout
    assert source.read_text() == before
    executed = nbformat.read(tmp_path / 'out' / 'nb' / 'ok.ipynb', as_version=4)
    assert executed.cells[-1].outputs[0]['text'] == 'x: band over seeds 0, 1\n'


def test_an_error_fails_the_run_and_no_stale_output_survives_it(tmp_path):
    source = tmp_path / 'nb' / 'bad.ipynb'
    source.parent.mkdir()
    notebook(source, "raise RuntimeError('boom')", "print('never')")
    done = run(tmp_path, str(source))
    assert done.returncode == 1
    assert 'ERROR' in done.stdout and 'boom' in done.stdout
    executed = nbformat.read(tmp_path / 'out' / 'nb' / 'bad.ipynb', as_version=4)
    assert executed.cells[-1].outputs == []  # the committed 'stale output' is gone
