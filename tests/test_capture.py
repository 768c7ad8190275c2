"""d2l.recorded: a book-defined trainer runs unchanged and leaves a run record behind."""
import json

import pytest

from d2l_compat import capture
from d2l_compat.animator import Animator
from d2l_compat.backend import Backend


class FakeBackend(Backend):
    """Enough of a backend for recorded(): a name, threads, numerics, a learning rate."""
    name = 'fake'

    def get_threads(self):
        return 1

    def learning_rate(self, trainer):
        return trainer['lr']


def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs):
    """Prints what d2lzh's train_ch5 prints."""
    print('training on', ctx)
    for epoch, (loss, train, test) in enumerate([(2.3202, 0.101, 0.1), (1.0027, 0.601, 0.687)]):
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec'
              % (epoch + 1, loss, train, test, 2.25))


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device):
    """Draws what d2l's train_ch6 draws: five points per epoch, then the test accuracy."""
    animator = Animator(xlabel='epoch', xlim=[1, num_epochs],
                        legend=['train loss', 'train acc', 'test acc'])
    for epoch in range(num_epochs):
        for i in range(5):
            animator.add(epoch + (i + 1) / 5, (1.0 / (epoch + 1) + i, 0.5 + 0.1 * epoch, None))
        animator.add(epoch + 1, (None, None, 0.6 + 0.1 * epoch))
    print('loss 0.500, train acc 0.600, test acc 0.700')


@pytest.fixture(autouse=True)
def quiet(monkeypatch, tmp_path):
    monkeypatch.setenv('D2L_ANIMATOR', 'off')
    monkeypatch.setenv('D2L_RESULTS', str(tmp_path / 'runs.jsonl'))


def test_epoch_lines_become_the_record_and_the_output_is_unchanged(capsys, tmp_path):
    wrapped = capture.recorded(FakeBackend(), train_ch5, 'lenet-v1', None)
    assert wrapped(None, None, None, 256, {'lr': 0.9}, 'cpu(0)', 2) is None
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == 'training on cpu(0)' and printed.count('epoch') == 2
    record = wrapped.record
    assert [(e['loss'], e['train_acc'], e['test_acc']) for e in record.epochs] == [
        (2.3202, 0.101, 0.1), (1.0027, 0.601, 0.687)]
    assert (record.recipe, record.lr, record.batch_size, record.device) == (
        'lenet-v1', 0.9, 256, 'cpu(0)')
    assert record.threads == [1, 1] and record.epochs[0]['seconds'] == 2.2  # as printed
    saved = [json.loads(line) for line in open(tmp_path / 'runs.jsonl')]
    assert saved[0]['epochs'] == record.epochs


def test_animator_points_become_the_record():
    wrapped = capture.recorded(FakeBackend(), train_ch6, 'lenet-v2', None)
    wrapped(None, None, None, 3, 0.9, 'cpu')
    record = wrapped.record
    assert [e['loss'] for e in record.epochs] == [1.0 + 4, 0.5 + 4, 1 / 3 + 4]
    assert [e['train_acc'] for e in record.epochs] == pytest.approx([0.5, 0.6, 0.7])
    assert [e['test_acc'] for e in record.epochs] == pytest.approx([0.6, 0.7, 0.8])
    assert record.lr == 0.9 and record.trainer == 'train_ch6'


def test_wrapping_twice_wraps_the_book_function_once():
    once = capture.recorded(FakeBackend(), train_ch6, 'a', None)
    twice = capture.recorded(FakeBackend(), once, 'b', None)
    assert twice.__recorded__ is train_ch6 and twice.__wrapped__ is train_ch6


def test_a_function_that_neither_prints_nor_plots_is_refused():
    wrapped = capture.recorded(FakeBackend(), lambda net: None, 'x', None)
    with pytest.raises(ValueError, match='nothing to record'):
        wrapped(None)


def test_final_mode_shows_the_book_trainers_figure_once(monkeypatch):
    monkeypatch.setenv('D2L_ANIMATOR', 'final')
    shown = []
    monkeypatch.setattr(Animator, '_display', lambda self: shown.append(len(self.X[0])))
    capture.recorded(FakeBackend(), train_ch6, 'lenet-v2', None)(None, None, None, 2, 0.9, 'cpu')
    assert shown == [10]  # once, after the loop, with every training point
