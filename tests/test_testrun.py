"""d2l_lenet.testrun (make test): which notebooks run capped, each lane's threads, the count."""
import os

from d2l_lenet import modern, recipes, testrun


def test_notebooks_split_into_full_and_capped_by_their_recipes():
    full, capped = testrun.notebooks()
    assert {p.name for p in capped} == {'ex5_deeper.ipynb', 'ex10_alexnet.ipynb',
                                        'ex14_epochs.ipynb'}
    assert len(full) + len(capped) == 2 * len({p.name for p in full + capped})
    assert all(recipes.caps_for(p) for p in capped) and not any(recipes.caps_for(p) for p in full)
    assert testrun.caps_env(capped[0]) and all(k.startswith('D2L_MAX_') for k in
                                               testrun.caps_env(capped[0]))


def test_each_lane_gets_its_share_of_the_cores_and_the_records_file(tmp_path):
    env = testrun.lane_env(2, tmp_path / 'runs.jsonl')
    share = str(max(1, (os.cpu_count() or 1) // 2))
    assert env['D2L_NUM_THREADS'] == env['OMP_NUM_THREADS'] == share
    assert env['D2L_RESULTS'] == str(tmp_path / 'runs.jsonl') and env['D2L_ANIMATOR'] == 'final'
    one = testrun.lane_env(1, tmp_path / 'runs.jsonl')
    assert one.get('D2L_NUM_THREADS') == os.environ.get('D2L_NUM_THREADS')  # the policy's


def test_the_closing_count_adds_every_pytests_junit_file(tmp_path):
    (tmp_path / 'a.xml').write_text('<testsuites><testsuite tests="5" failures="1" errors="0" '
                                    'skipped="2"/></testsuites>')
    (tmp_path / 'b.xml').write_text('<testsuite tests="3" failures="0" errors="1" skipped="0"/>')
    assert testrun.counts([tmp_path / 'a.xml', tmp_path / 'b.xml']) == (4, 2, 2)
    assert testrun.counts([tmp_path / 'missing.xml']) == (0, 1, 0)


def test_the_modern_lane_reports_how_far_its_runs_landed(tmp_path):
    line = ('{"backend": "torch", "recipe": "lenet-v2", "seed": 0, "epochs": '
            '[{"loss": %s, "train_acc": 0.8, "test_acc": 0.8}]}\n')
    (tmp_path / 'modern.jsonl').write_text(line % '0.5001')
    (tmp_path / 'course.jsonl').write_text(line % '0.5')
    diff = modern.landed(tmp_path / 'modern.jsonl', tmp_path / 'course.jsonl')
    assert list(diff) == [('lenet-v2', 0)] and abs(diff['lenet-v2', 0]['loss'] - 1e-4) < 1e-12
