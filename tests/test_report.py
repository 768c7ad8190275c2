"""The comparison report: which records it picks, the same-start numbers it computes, the text,
tables and figures it writes from them, and what it says when records are missing or bad."""
import json
import pathlib
import re
import subprocess
import sys

import pytest

from d2l_compat import core
from d2l_lenet import report

ROOT = pathlib.Path(__file__).resolve().parents[1]
SEEDS = {'mxnet': [0.76, 0.77, 0.78], 'torch': [0.74, 0.76, 0.79]}  # sd 0.0100 and 0.0252


@pytest.fixture(autouse=True)
def full_data(monkeypatch):
    """Records made here are full-data runs, whatever caps the shell has set."""
    for name in ('D2L_MAX_TRAIN_EXAMPLES', 'D2L_MAX_TEST_EXAMPLES', 'D2L_MAX_EPOCHS'):
        monkeypatch.delenv(name, raising=False)


def make_record(backend, recipe, losses, test_accs, seed=0, started='2026-01-01T00:00:00+00:00',
                steps=(), start=None, trainer='train_ch5'):
    record = core.RunRecord(backend, trainer, 'cpu', recipe, seed, 0.9, 256, len(losses),
                            steps=list(steps), start=start, started=started)
    for loss, acc in zip(losses, test_accs):
        record.add_epoch(loss, acc - 0.01, acc, 2.0, 60000)
    record.train_examples = 1000
    return record


def band_entry(test_accs):
    """A bands.json entry over three seeds, each run with its per-epoch test accuracies."""
    runs = [{'seed': seed, 'loss': 0.6, 'train_acc': acc - 0.01, 'test_acc': acc,
             'host': {'cpu': 'another CPU', 'threads': 1},
             'epochs': [{'loss': 1.0, 'train_acc': 0.5, 'test_acc': acc - 0.1},
                        {'loss': 0.6, 'train_acc': acc - 0.01, 'test_acc': acc}]}
            for seed, acc in enumerate(test_accs)]
    # chaotic: the records here are held to the band, not to these made-up seed runs
    return {'runs': runs, 'references': [], 'chaotic': True, 'loss': [0.5, 0.7],
            'train_acc': [0.7, 0.8],
            'test_acc': [0.7, 0.8], 'tolerance': {'loss': 1e-4, 'train_acc': 1e-3,
                                                  'test_acc': 1e-3}}


@pytest.fixture
def bands_file(tmp_path):
    path = tmp_path / 'bands.json'
    table = {f'{recipe}/{b}': band_entry(SEEDS[b]) for recipe in ('lenet-v1', 'lenet-v2')
             for b in SEEDS}
    path.write_text(json.dumps({'bands': table}))
    return str(path)


@pytest.fixture
def records_file(tmp_path):
    path = tmp_path / 'runs.jsonl'
    # Later in the file but started earlier: the other mxnet record is the newer one.
    make_record('mxnet', 'lenet-v1', [2.3, 0.9, 0.64], [0.2, 0.70, 0.7672],
                started='2026-01-02T10:00:00+00:00').save(path)
    make_record('mxnet', 'lenet-v1', [2.3, 1.0], [0.5, 0.70], seed=9,
                started='2026-01-02T09:00:00+00:00').save(path)
    make_record('torch', 'lenet-v1', [2.2, 0.8, 0.63], [0.3, 0.72, 0.7600]).save(path)
    make_record('torch', 'lenet-v2', [1.0, 0.5], [0.6, 0.8], trainer='train_ch6').save(path)
    # A same-start record, newest of all: never a notebook run.
    make_record('torch', 'lenet-v2', [1.0, 0.4], [0.6, 0.3], seed=5, start='gluon',
                started='2027-01-01T00:00:00+00:00').save(path)
    return path


# Same-start losses: MXNet and PyTorch part by more than 1e-4 at step 3, by more than 1e-2 at 5.
MX = [2.0, 1.5, 1.2, 1.0, 0.9]
PT = [2.0, 1.5 * (1 + 5e-5), 1.2 * (1 + 5e-4), 1.0 * (1 + 5e-3), 0.9 * (1 + 5e-2)]
SEED1 = [2.2, 1.7, 1.3, 1.1, 1.0]


@pytest.fixture
def samestart_file(tmp_path):
    path = tmp_path / 'samestart.jsonl'
    rows = [('ex2-channels10', 'gluon', 0, 'mxnet', MX, 0.70),  # sorts after the chapter's
            ('ex2-channels10', 'gluon', 0, 'torch', MX, 0.70),
            ('lenet-v1', 'gluon', 0, 'mxnet', MX, 0.77),
            ('lenet-v1', 'gluon', 0, 'torch', PT, 0.76),
            ('lenet-v1', 'gluon', 1, 'mxnet', SEED1, 0.75),
            ('lenet-v1', 'gluon', 1, 'torch', SEED1, 0.74),
            ('lenet-v2', 'gluon', 0, 'mxnet', MX, 0.80),
            ('lenet-v2', 'gluon', 0, 'torch', MX, 0.81),
            ('lenet-v2', 'torch-biases', 0, 'mxnet', MX[:1] + SEED1[1:], 0.79),
            ('lenet-v2', 'torch-biases', 0, 'torch', MX[:2] + SEED1[2:], 0.83)]
    for recipe, start, seed, backend, steps, acc in rows:
        make_record(backend, recipe, [1.0, steps[-1]], [acc - 0.1, acc], seed=seed,
                    steps=steps, start=start).save(path)
    return path


def test_first_apart_counts_steps_from_one_and_relative_to_the_first_series():
    assert report.first_apart(MX, PT, 1e-4) == 3
    assert report.first_apart(MX, PT, 1e-2) == 5
    assert report.first_apart(MX, MX, 1e-4) is None
    assert report.first_apart([1.0], [1.0 + 2e-4], 1e-4) == 1
    assert report.relative_gaps([2.0, 4.0], [1.0, 4.0]) == [0.5, 0.0]


def test_newest_record_is_chosen_by_start_time_not_file_position(records_file):
    runs = report.latest_by_recipe(core.load_records(records_file))
    assert runs['lenet-v1']['mxnet'].seed == 0  # started 10:00, written before the 09:00 one
    assert runs['lenet-v2']['torch'].start is None  # the newer same-start record is not a run
    tie = [make_record('torch', 'lenet-v1', [1.0], [0.5], seed=s) for s in (1, 2)]
    assert report.latest_by_recipe(tie)['lenet-v1']['torch'].seed == 2  # a tie: later line


def test_verdict_and_summary_from_the_same_start_numbers(records_file, samestart_file,
                                                          bands_file, tmp_path):
    text = report.build(str(records_file), str(tmp_path / 'out'), str(samestart_file),
                        bands_file)
    opening, rest = text.split('## Summary')
    assert ('**lenet-v1** (§5.5): MXNet and PyTorch agree to 1e-4 for the first 2 of 5 steps '
            'and to 1e-2 for the first 4 of 5 steps; final test acc 0.7700 vs 0.7600 '
            '(MXNet − PyTorch +0.0100)') in opening
    assert 'MXNet seeds 3: sd 0.0100, range [0.7600, 0.7800]' in opening
    assert 'PyTorch seeds 3: sd 0.0252, range [0.7400, 0.7900]' in opening
    assert ('So the same-start gap |Δ| 0.0100 is 0.40× the larger seed sd: framework numerics '
            'are smaller than seed noise here.') in opening
    assert 'agree to 1e-4 over all 5 steps and to 1e-2 over all 5 steps' in opening  # v2
    rows = [line for line in rest.split('\n\n')[2].splitlines()[2:]]
    assert [row.split(' | ')[0] for row in rows] == ['| lenet-v1', '| lenet-v2',
                                                     '| ex2-channels10']
    assert rows[0] == ('| lenet-v1 | +0.0072 | +0.0100 | 0.0100 / 0.0252 | seed noise | '
                       '5 steps only (full); the largest same-start gap | 5 | step 3 / step 5 | '
                       '0.7700 / 0.7600 | in band / in band |')
    assert rows[1].startswith('| lenet-v2 | — | -0.0100 | 0.0100 / 0.0252 | seed noise |')
    assert rows[1].endswith('| 5 | never / never | 0.8000 / 0.8100 | — / in band |')  # no MXNet v2 run
    assert ' | no band runs | no band runs | ' in rows[2] and rows[2].endswith('| — / — |')
    assert '## Glossary' in rest and '**same start**' in rest


def test_a_collapse_on_every_seed_is_not_called_seed_noise(bands_file):
    pair = {b: make_record(b, 'lenet-v1', [2.3], [0.1]) for b in ('mxnet', 'torch')}
    table = {'lenet-v1/mxnet': {'runs': [{'test_acc': 0.1}] * 3},
             'lenet-v1/torch': {'runs': [{'test_acc': 0.1}] * 3}}
    gap = report.Gap('lenet-v1', pair, table)
    assert gap.label() == 'no seed spread, no gap'
    assert gap.weaknesses(0.0) == ['MXNet seed sd 0', 'PyTorch seed sd 0']


def test_conclusion_says_when_the_gap_is_beyond_the_seed_range(samestart_file, bands_file):
    pair = {b: make_record(b, 'lenet-v1', [1.0], [acc]) for b, acc in
            (('mxnet', 0.90), ('torch', 0.76))}
    gap = report.Gap('lenet-v1', pair, json.load(open(bands_file))['bands'])
    assert gap.conclusion().endswith('beyond the seed range: a framework difference')
    pair['mxnet'] = make_record('mxnet', 'lenet-v1', [1.0], [0.79])
    gap = report.Gap('lenet-v1', pair, json.load(open(bands_file))['bands'])
    assert gap.conclusion().endswith('within the seed range: not told apart from seed noise')


def test_figure_panels_hold_the_step_gaps_and_the_seed_bands(records_file, samestart_file,
                                                             bands_file):
    rep = report.Report(str(records_file), str(samestart_file), bands_file)
    fig = rep.figure('lenet-v1')
    left, right = fig.axes
    assert 'part from one start' in fig._suptitle.get_text()
    assert left.get_title() == 'relative |Δ loss| per step, log scale'
    assert left.get_yscale() == 'log'
    assert [line.get_label() for line in left.lines] == [
        'MXNet vs PyTorch, same start (seed 0)', 'MXNet seed 0 vs seed 1',
        'PyTorch seed 0 vs seed 1', 'threshold 1e-4', 'threshold 1e-2']
    assert list(left.lines[0].get_xdata()) == [1, 2, 3, 4, 5]
    assert left.lines[0].get_ydata()[0] == report.FLOOR  # step 1 identical: drawn at the floor
    assert left.lines[0].get_ydata()[2] == pytest.approx(5e-4)
    assert left.lines[1].get_ydata()[0] == pytest.approx(0.1)  # |2.0 - 2.2| / 2.0
    assert left.lines[3].get_ydata()[0] == 1e-4
    bands = {c.get_label(): c for c in right.collections}
    assert list(bands) == ['MXNet: 3 seeds, min–max', 'PyTorch: 3 seeds, min–max']
    ys = sorted({round(y, 4) for _, y in bands['PyTorch: 3 seeds, min–max'].get_paths()[0]
                 .vertices})
    assert ys == [0.64, 0.69, 0.74, 0.79]  # epoch 1: 0.64-0.69, epoch 2: 0.74-0.79
    curves = {line.get_label(): list(line.get_ydata()) for line in right.lines}
    assert curves['MXNet notebook run (seed 0)'] == [0.2, 0.70, 0.7672]
    assert curves['PyTorch same start (seed 0)'] == pytest.approx([0.66, 0.76])
    assert right.get_ylabel() == 'test accuracy'


def test_figure_without_same_start_runs_says_how_to_make_them(records_file, bands_file):
    left = report.Report(str(records_file), None, bands_file).figure('lenet-v1').axes[0]
    assert not left.lines and 'make samestart' in left.texts[0].get_text()


def test_known_differences_carry_the_same_start_numbers(records_file, samestart_file,
                                                        bands_file, tmp_path):
    text = report.build(str(records_file), str(tmp_path / 'out'), str(samestart_file),
                        bands_file)
    known = text.split('## Known, intended differences')[1]
    bias = next(line for line in known.splitlines() if 'Bias initialisation' in line)
    assert ('on MXNet the losses from the two starts first differ by more than 1e-4 at step 2 '
            'and final test acc goes 0.8000 → 0.7900 (-0.0100)') in bias
    assert ('on PyTorch the losses from the two starts first differ by more than 1e-4 at '
            'step 3 and final test acc goes 0.8100 → 0.8300 (+0.0200)') in bias
    assert ('from one start the two frameworks never differ by more than 1e-4 and end '
            '-0.0100 apart in test acc') in bias
    assert '[lenet-v2](#lenet-v2)' in bias
    loss = next(line for line in known.splitlines() if 'Loss reduction' in line)
    assert report.LOSS_TEST in loss
    # 1,000 examples in batches of 256: the short batch is step 4.
    assert ('the first short batch is step 4 and the frameworks first differ by more than '
            '1e-4 at step 3') in loss
    streams = next(line for line in known.splitlines() if 'Random streams' in line)
    assert '[lenet-v1](#lenet-v1) from identical weights ends +0.0100 apart' in streams


def test_without_same_start_records_the_report_names_the_command(records_file, bands_file,
                                                                 tmp_path):
    text = report.build(str(records_file), str(tmp_path / 'out'),
                        str(tmp_path / 'none.jsonl'), bands_file)
    assert '- **lenet-v1**: no same-start records in' in text
    known = text.split('## Known, intended differences')[1]
    for item in ('Bias initialisation', 'Loss reduction', 'Random streams'):
        line = next(line for line in known.splitlines() if item in line)
        assert 'make samestart' in line and '→' not in line, item


def test_sections_tables_and_files(records_file, samestart_file, bands_file, tmp_path):
    out = tmp_path / 'reports'
    text = report.build(str(records_file), str(out), str(samestart_file), bands_file)
    assert text == (out / 'compare.md').read_text()
    section = text.split('## lenet-v1')[1].split('## lenet-v2')[0]
    assert '| test acc | 0.7672 | 0.7600 | +0.0072 |' in section
    assert '| seed | 0 | 0 | |' in section  # the newest mxnet record, not seed 9
    assert '| band | in band | in band | |' in section
    assert '| test acc | 0.7700 ± 0.0100 [0.7600, 0.7800] |' in section  # the seed table
    assert 'MXNet seed 0 and seed 1 first differ by more than 1e-2 at step 1.' in section
    assert '![lenet-v1: ' in section
    for recipe in ('lenet-v1', 'lenet-v2', 'ex2-channels10'):
        assert (out / f'{recipe}.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert not list(out.glob('*.part'))


def test_notebook_lines_print_run_numbers_only_in_sanitized_shapes(records_file, bands_file):
    runs = report.latest_by_recipe(core.load_records(records_file))['lenet-v1']
    lines = report.run_lines(runs, bands_file)
    assert lines[0].startswith('MXNet notebook run: loss 0.6400, train acc 0.7572, '
                               'test acc 0.7672')
    assert lines[2] == '|MXNet − PyTorch|: loss 0.0100, train acc 0.0072, test acc 0.0072'
    for line in lines:  # every decimal follows 'loss ', 'train acc ' or 'test acc '
        assert not re.sub(r'(loss|train acc|test acc) \d+\.\d{4}', '', line).count('.'), line


def test_band_verdicts(bands_file):
    assert report.verdict(make_record('torch', 'lenet-v1', [2.3], [0.1]),
                          bands_file) == 'OUT OF BAND'
    assert report.verdict(make_record('torch', 'alexnet', [2.3], [0.1]),
                          bands_file).startswith('no band')


def test_missing_and_corrupt_records_are_named(records_file, tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.jsonl: no run records'):
        report.build(str(tmp_path / 'nothing.jsonl'), str(tmp_path / 'out'))
    bad = tmp_path / 'bad.jsonl'
    bad.write_text(json.dumps({'backend': 'mxnet'}) + '\n{oops\n')
    with pytest.raises(ValueError, match=r'bad.jsonl:1: not a run record'):
        report.build(str(bad), str(tmp_path / 'out'))
    with pytest.raises(ValueError, match=r'bad.jsonl:1: not a run record'):
        report.build(str(records_file), str(tmp_path / 'out'), str(bad))
    assert not (tmp_path / 'out').exists()


def test_a_failed_build_leaves_the_previous_report_whole(records_file, bands_file, tmp_path,
                                                         monkeypatch):
    out = tmp_path / 'out'
    report.build(str(records_file), str(out), None, bands_file)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / 'compare.md.part').mkdir()  # the last file written cannot be opened
    with pytest.raises(OSError):
        report.build(str(records_file), str(out), None, bands_file)
    (out / 'compare.md.part').rmdir()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no .part left behind
    monkeypatch.setattr(report, '_png', lambda fig: 1 / 0)  # a figure fails: nothing written
    with pytest.raises(ZeroDivisionError):
        report.build(str(records_file), str(tmp_path / 'fresh'), None, bands_file)
    assert not (tmp_path / 'fresh').exists()


def test_compare_script_reports_a_missing_file_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, '-m', 'd2l_lenet.compare', '--records',
                           str(tmp_path / 'none.jsonl'), '--out', str(tmp_path / 'out')],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1
    assert done.stderr.startswith('compare: ') and 'none.jsonl: no run records' in done.stderr


def test_a_partial_run_replaces_only_its_recipes_records(tmp_path):
    from d2l_lenet import records
    into, part = tmp_path / 'runs.jsonl', tmp_path / 'runs.jsonl.part'
    into.write_text('{"recipe": "a", "backend": "mxnet", "n": 1}\n'
                    '{"recipe": "b", "backend": "mxnet", "n": 1}\n'
                    '{"recipe": "a", "backend": "torch", "n": 1}\n')
    part.write_text('{"recipe": "a", "backend": "mxnet", "n": 2}\n')
    assert records.merge(str(part), str(into)) == (1, 1)
    lines = [json.loads(line) for line in into.read_text().splitlines()]
    assert [(r['recipe'], r['backend'], r['n']) for r in lines] == [
        ('b', 'mxnet', 1), ('a', 'torch', 1), ('a', 'mxnet', 2)]
    assert not part.exists()
