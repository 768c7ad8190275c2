"""d2l_lenet/bench.py's arithmetic, its rendering and its PyTorch layer floor (timings themselves
are not tested)."""
import json
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
from d2l_lenet import bench


def test_per_epoch_counts_60000_trained_and_10000_evaluated_examples():
    layers = [('conv', 0.004, 0.001), ('dense', 0.0005, 0.0002)]
    expected = 0.0045 * 60000 / 256 + 0.0012 * 10000 / 256
    assert bench.per_epoch(layers) == pytest.approx(expected)


def test_layer_table_shares_add_up():
    layers = [('conv', 0.003, 0.001), ('pool', 0.001, 0.0005)]
    text = bench.layers_table('PyTorch v2', bench.per_epoch(layers), layers)
    rows = [line for line in text.splitlines() if line.startswith(('| conv', '| pool'))]
    shares = [int(row.rstrip(' |').rsplit('|', 1)[1].strip(' %')) for row in rows]
    assert len(rows) == 2 and sum(shares) == 100 and shares[0] > shares[1]


def test_torch_layer_floor_times_every_layer_of_lenet_v2(monkeypatch):
    monkeypatch.setattr(bench, 'BATCH', 16)  # the arithmetic, not the speed, is under test
    result = bench.torch_layers(epochs=1)
    names = [name for name, _, _ in result['layers']]
    # The book's PyTorch net (the released §6.6: no Reshape layer), every layer timed.
    assert names[:2] == ['Conv2d (1, 28, 28)', 'Sigmoid (6, 28, 28)']
    assert names[3] == 'Conv2d (6, 14, 14)' and names[-1] == 'Linear (84,)' and len(names) == 12
    assert all(train > 0 and evaluate > 0 for _, train, evaluate in result['layers'])
    assert result['seconds'] == pytest.approx(bench.per_epoch(result['layers']))


def run(seconds, threads=None, startup=None):
    return {'seconds': seconds, 'threads': threads, 'startup': startup, 'peak_mb': 100}


MACHINE = {'date': '2026-12-06', 'cpu': 'test CPU', 'cores': 2, 'epochs': 2, 'repeats': 3,
           'others_busy_before': 0.0, 'others_busy_after': 0.25}


def table(shim_torch):
    rows = {name: [run(4.0)] * 3 for name in bench.ROWS}
    rows['floor-mxnet'] = [run(2.0), run(2.2), run(9.0)]  # median 2.2: one slow round ignored
    rows['shim-mxnet'] = [run(2.4, [2, 2])] * 3
    rows['floor-torch'] = [run(2.0, None, 1.5)] * 3
    rows['shim-torch'] = [run(s, [2, 2], 1.5) for s in shim_torch]
    rows['layers-torch'] = [{'seconds': 3.0, 'layers': [('conv', 0.003, 0.001)], 'peak_mb': 1}]
    floor = [run(2.0)] * 3
    gap = {'mxnet': {'shim': [run(2.1), run(2.2), run(3.0)], 'floor': floor},  # 1.05 1.1 1.5
           'torch': {'shim': [run(s) for s in shim_torch], 'floor': floor}}
    return {**MACHINE, 'pairs': 3, 'rows': rows, 'gap': gap}


def test_ratios_are_between_medians_and_a_missed_target_says_so():
    text = bench.render_table(table([2.2, 2.3, 5.0]))
    assert '| MXNet v1: d2l_compat.mxnet.train_ch5 | 2.40 | 2.40–2.40 |' in text
    assert '| 1.09x | 2,2 | 100 |' in text  # shim / floor of the medians: 2.4 / 2.2
    assert 'torch._dynamo, 1.50 s (median of 6 processes' in text
    assert 'just before and just after: 0.00, 0.25' in text
    # The target is judged on the median of the paired ratios, not on the pairs' medians.
    assert 'MXNet 1.10x (met) (pairs 1.05–1.50' in text
    assert 'PyTorch 1.15x (met) (pairs 1.10–2.50' in text
    assert 'PyTorch 1.20x (NOT met)' in bench.render_table(table([2.4, 2.4, 2.4]))


def test_paired_epochs_warm_up_both_then_alternate_the_order(monkeypatch):
    calls = []

    def maker(name):
        return lambda: (lambda: calls.append(name))
    shim, floor = bench.paired_epochs(maker('shim'), maker('floor'), pairs=3)
    assert calls == ['shim', 'floor', 'shim', 'floor', 'floor', 'shim', 'shim', 'floor']
    assert len(shim) == len(floor) == 3 and all(r['seconds'] >= 0 for r in shim + floor)


def test_forcing_every_core_sets_the_thread_count_only_during_the_run(monkeypatch):
    monkeypatch.delenv('D2L_NUM_THREADS', raising=False)
    seen = []
    forced = bench.every_core_forced(lambda: lambda: seen.append(os.environ.get('D2L_NUM_THREADS')))
    run = forced()
    assert seen == []
    run()
    assert seen == [str(os.cpu_count())] and 'D2L_NUM_THREADS' not in os.environ


def sharing(alone_policy, beside, together, forced_threads=(2,)):
    def shim(alone, beside, together, threads):
        return {'alone': [run(a, threads) for a in alone], 'beside': run(beside, [1, 1]),
                'together': run(together, [1, 1])}
    policies = {'thread policy': {b: shim(alone_policy, beside, together, [2, 2])
                                  for b in bench.SHIMS},
                '2 threads forced': {b: shim([2.0, 2.0, 2.0], 10.0, 9.0, [2, 2])
                                     for b in bench.SHIMS}}
    solo = {b: {'policy': [run(2.0, [2]), run(2.2, [2]), run(2.0, [1])],
                'forced': [run(2.0, [2]), run(2.0, list(forced_threads)), run(2.0, [2])]}
            for b in ('mxnet', 'torch')}  # ratios 1.0, 1.1, 1.0
    return {**MACHINE, 'pairs': 3, 'policies': policies, 'solo': solo,
            'policy_cost': {'begin': 0.05, 'per_epoch': 1e-4}}


def test_sharing_targets_are_judged_against_the_median_alone():
    text = bench.render_sharing(sharing([2.0, 2.1, 9.0], 6.0, 4.0))
    assert '- MXNet: beside two busy 2.86x (met) [5.00x], side by side 1.90x (met) [4.50x]' in text
    assert 'fresh processes, give MXNet 1.05x, PyTorch 1.05x' in text  # 2.1 / 2.0
    assert '| 2,2; 1,1; 1,1 |' in text
    missed = bench.render_sharing(sharing([2.0, 2.0, 2.0], 6.2, 4.6))
    assert 'beside two busy 3.10x (NOT met) [5.00x], side by side 2.30x (NOT met)' in missed
    assert '2.4% of a solo PyTorch epoch here for a 1-epoch run' in text  # 0.05 / 2.1
    assert '0.24% per epoch for the chapter' in text  # (0.05 + 9 * 0.0001) / 10 / 2.1
    assert '- MXNet: 1.00x (met) (pairs 1.00–1.10; threads per epoch with the policy 2 / 1, ' \
        'forced 2)' in text


def test_a_solo_pair_whose_forced_run_got_fewer_threads_is_not_judged():
    text = bench.render_sharing(sharing([2.0, 2.0, 2.0], 6.0, 4.0, forced_threads=(1,)))
    assert '- MXNet: 1.00x (not comparable: forced runs got fewer than 2 threads)' in text
    assert '(met)' not in text.split('Alone, the policy')[1].split('own cost')[0]


def test_a_ratio_is_judged_as_printed():
    assert bench.met(1.054, 1.05) == '1.05x (met)' and bench.met(1.056, 1.05) == '1.06x (NOT met)'


def test_the_committed_results_render():
    results = json.loads((ROOT / 'results' / 'bench.json').read_text())
    text = bench.render(results)
    assert 'Shim against its floor' in text and 'Sharing the machine' in text
