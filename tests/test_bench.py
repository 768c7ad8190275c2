"""scripts/bench.py's arithmetic and its PyTorch layer floor (timings themselves are not tested)."""
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'scripts'))
import bench  # noqa: E402


def test_per_epoch_counts_60000_trained_and_10000_evaluated_examples():
    layers = [('conv', 0.004, 0.001), ('dense', 0.0005, 0.0002)]
    expected = 0.0045 * 60000 / 256 + 0.0012 * 10000 / 256
    assert bench.per_epoch(layers) == pytest.approx(expected)


def test_layer_table_shares_add_up(capsys):
    layers = [('conv', 0.003, 0.001), ('pool', 0.001, 0.0005)]
    bench.print_layers('PyTorch v2', bench.per_epoch(layers), layers)
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith('| conv')
            or line.startswith('| pool')]
    shares = [int(row.rstrip(' |').rsplit('|', 1)[1].strip(' %')) for row in rows]
    assert len(rows) == 2 and sum(shares) == 100 and shares[0] > shares[1]


def test_torch_layer_floor_times_every_layer_of_lenet_v2(monkeypatch):
    monkeypatch.setattr(bench, 'BATCH', 16)  # the arithmetic, not the speed, is under test
    seconds, layers = bench.torch_layers(epochs=1)
    names = [name for name, _, _ in layers]
    # The book's PyTorch net, Reshape first (a view, timed like the rest).
    assert names[:2] == ['Reshape (1, 28, 28)', 'Conv2d (1, 28, 28)']
    assert names[4] == 'Conv2d (6, 14, 14)' and names[-1] == 'Linear (84,)' and len(names) == 13
    assert all(train > 0 and evaluate > 0 for _, train, evaluate in layers)
    assert seconds == pytest.approx(bench.per_epoch(layers))
