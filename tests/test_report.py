"""The comparison report is built from run records, and says clearly what is wrong with them."""
import json

import pytest

from d2l_compat import core, report


def make_record(backend, recipe, losses, test_accs, seed=0):
    record = core.RunRecord(backend, 'train_ch5', 'cpu', recipe, seed, 0.9, 256, len(losses))
    for loss, acc in zip(losses, test_accs):
        record.add_epoch(loss, acc - 0.01, acc, 2.0, 60000)
    record.train_examples = 60000
    return record


@pytest.fixture
def records_file(tmp_path):
    path = tmp_path / 'runs.jsonl'
    make_record('mxnet', 'lenet-v1', [2.3, 1.0], [0.5, 0.70], seed=9).save(path)  # superseded
    make_record('mxnet', 'lenet-v1', [2.3, 0.9, 0.64], [0.2, 0.70, 0.7672]).save(path)
    make_record('torch', 'lenet-v1', [2.2, 0.8, 0.63], [0.3, 0.72, 0.7600]).save(path)
    make_record('torch', 'lenet-v2', [1.0, 0.5], [0.6, 0.8]).save(path)
    return path


def test_report_tables_differences_and_figures(records_file, tmp_path):
    out = tmp_path / 'reports'
    text = report.build(str(records_file), str(out))
    assert text == (out / 'compare.md').read_text()
    section = text.split('## lenet-v1')[1].split('## lenet-v2')[0]
    assert '| test acc | 0.7672 | 0.7600 | +0.0072 |' in section
    assert '| final loss | 0.6400 | 0.6300 | +0.0100 |' in section
    assert '| seed | 0 | 0 | |' in section  # the newest mxnet record, not seed 9
    assert '| band | in band | in band | |' in section
    assert 'ranges overlap' in section  # the seed spreads from bands.json
    v2 = text.split('## lenet-v2')[1]
    assert '| test acc | — | 0.8000 | — |' in v2
    assert 'Bias initialisation' in text and 'Loss reduction' in text
    for recipe in ('lenet-v1', 'lenet-v2'):
        assert (out / f'{recipe}.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_band_verdicts():
    assert report.verdict(make_record('torch', 'lenet-v1', [2.3], [0.1])) == 'OUT OF BAND'
    assert report.verdict(make_record('torch', 'alexnet', [2.3], [0.1])).startswith('no band')


def test_figure_holds_both_backends_series(records_file, tmp_path):
    runs = report.latest_by_recipe(core.load_records(records_file))['lenet-v1']
    fig = report.plot_recipe('lenet-v1', runs, tmp_path / 'x.png')
    loss_ax, _, test_ax = fig.axes
    assert [line.get_label() for line in loss_ax.lines] == ['MXNet', 'PyTorch']
    assert list(loss_ax.lines[1].get_ydata()) == [2.2, 0.8, 0.63]
    assert list(test_ax.lines[0].get_xdata()) == [1, 2, 3]


def test_missing_and_corrupt_records_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.jsonl: no run records'):
        report.build(str(tmp_path / 'nothing.jsonl'), str(tmp_path / 'out'))
    bad = tmp_path / 'runs.jsonl'
    bad.write_text(json.dumps({'backend': 'mxnet'}) + '\n{oops\n')
    with pytest.raises(ValueError, match=r'runs.jsonl:1: not a run record'):
        report.build(str(bad), str(tmp_path / 'out'))
    assert not (tmp_path / 'out' / 'compare.md').exists()
