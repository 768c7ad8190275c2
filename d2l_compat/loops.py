"""The book's epoch loops, written once; a backend supplies the step and the evaluation.

A step takes a batch and returns ``(loss_sum, hits)``: the batch's summed loss and its number
of correct predictions, left on the device. The loops add those up on the device and read
them to the host only when they print or plot, so a CPU epoch costs one or a few syncs
instead of two per batch. Each loop carries ``trainer`` (its name in run records) and
``test_loss`` (whether its evaluation also returns the test loss).
"""
import time

from . import config, core
from .animator import Animator
from .core import RunRecord, Timer


class Sums:
    """Running device-side sums of loss and hits, the example count, and per-step losses."""

    def __init__(self, to_float, keep_steps=False):
        self.loss = self.hits = None
        self.n = 0
        self._to_float = to_float
        self._steps = [] if keep_steps else None

    def add(self, loss_sum, hits, n):
        self.loss = loss_sum if self.loss is None else self.loss + loss_sum
        self.hits = hits if self.hits is None else self.hits + hits
        self.n += n
        if self._steps is not None:
            self._steps.append((loss_sum, n))

    def means(self):
        """(mean loss, accuracy) so far: the one place that waits for the device."""
        return self._to_float(self.loss) / self.n, self._to_float(self.hits) / self.n

    def step_losses(self):
        """Each step's mean loss (empty unless per-step losses were kept)."""
        return [self._to_float(loss) / n for loss, n in self._steps or ()]


def check_batches(train_iter):
    """Refuse an empty training set before anything is printed."""
    if len(train_iter) == 0:
        raise ValueError('train_iter yields no batches')


def _epoch(step, train_iter, to_float, record, on_batch=None):
    """Train one epoch; returns its Sums (per-step losses go to the record if asked)."""
    sums = Sums(to_float, keep_steps=config.record_steps())
    for i, (X, y) in enumerate(train_iter):
        if not record.batch_size:
            record.batch_size = len(y)  # train_ch6 and the slides have no batch_size argument
        loss_sum, hits = step(X, y)
        sums.add(loss_sum, hits, len(y))
        if on_batch:
            on_batch(i, sums)
    record.steps.extend(sums.step_losses())
    record.train_examples = sums.n
    return sums


def train_ch5_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                   begin_epoch=None):
    """d2lzh's train_ch5 loop: one line per epoch, wall time including the test pass."""
    print('training on', record.device)
    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        start = time.time()
        sums = _epoch(step, train_iter, to_float, record)
        test_acc = evaluate()
        train_l, train_acc = sums.means()
        seconds = time.time() - start
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec'
              % (epoch + 1, train_l, train_acc, test_acc, seconds))
        record.add_epoch(train_l, train_acc, test_acc, seconds, sums.n)
    record.save(results)
    return record


def train_ch6_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                   begin_epoch=None):
    """d2l's train_ch6 loop: Animator five times per epoch, two closing lines."""
    print('training on', record.device)
    animator = Animator(xlabel='epoch', xlim=[1, max(num_epochs, 1)],
                        legend=['train loss', 'train acc', 'test acc'])
    timer, num_batches = Timer(), len(train_iter)
    # max(.., 1): d2l's `num_batches // 5` divides by zero under 5 batches.
    every = max(num_batches // 5, 1)

    def timed_step(X, y):
        timer.start()
        result = step(X, y)
        timer.stop()
        return result

    def plot(i, sums):
        if (i + 1) % every == 0 or i == num_batches - 1:
            animator.add(epoch + (i + 1) / num_batches, (*sums.means(), None))

    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        start = time.time()
        sums = _epoch(timed_step, train_iter, to_float, record, plot)
        train_l, train_acc = sums.means()
        test_acc = evaluate()
        animator.add(epoch + 1, (None, None, test_acc))
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    animator.show()
    if record.epochs:
        print(f'loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}')
        print(f'{sums.n * num_epochs / timer.sum():.1f} examples/sec on {record.device}')
    record.save(results)
    return record


def train_slides_loop(step, evaluate, to_float, train_iter, num_epochs, record, results,
                      begin_epoch=None):
    """The course slides' loop (PyTorch tutorial style): loss every 100 batches, test per epoch.

    ``evaluate()`` returns (mean test loss, test accuracy)."""
    size = getattr(train_iter, 'num_examples', None) or '?'
    last = {}

    def report(batch, sums):
        if batch % 100 == 0:  # one host sync per 100 batches, as the slides print
            loss_sum, n = last['loss'], last['n']
            print(f'loss: {to_float(loss_sum) / n:>7f}  [{sums.n:>5d}/{size:>5}]')

    def remember(X, y):
        loss_sum, hits = step(X, y)
        last.update(loss=loss_sum, n=len(y))
        return loss_sum, hits

    for epoch in range(num_epochs):
        begin_epoch and begin_epoch()
        print(f'Epoch {epoch + 1}\n-------------------------------')
        start = time.time()
        sums = _epoch(remember, train_iter, to_float, record, report)
        test_loss, test_acc = evaluate()
        print(f'Test Error: \n Accuracy: {100 * test_acc:>0.1f}%, Avg loss: {test_loss:>8f} \n')
        train_l, train_acc = sums.means()
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    record.save(results)
    return record


train_ch5_loop.trainer, train_ch5_loop.test_loss = 'train_ch5', False
train_ch6_loop.trainer, train_ch6_loop.test_loss = 'train_ch6', False
train_slides_loop.trainer, train_slides_loop.test_loss = 'train_slides', True


def new_record(backend, trainer, device, recipe, lr, batch_size, num_epochs, numerics=None):
    """A RunRecord for a run about to start, with the current seed."""
    seed, stale = core.take_seed()
    record = RunRecord(backend, trainer, str(device), recipe, seed, lr,
                       batch_size, num_epochs)
    record.stale_seed = stale
    record.host.update(numerics or {})
    return record
