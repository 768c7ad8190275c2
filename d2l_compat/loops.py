"""The book's two epoch loops, written once; each backend supplies one training step.

A step takes a batch and returns ``(loss_sum, hits, n)``: the batch's summed loss and its
number of correct predictions as float64 arrays left on the device, and its size. The loops
add those up on the device and read them to the host only when they print or plot, so a
CPU epoch costs one or a few syncs instead of two per batch.
"""
import time

from . import core
from .animator import Animator
from .core import RunRecord, Timer


class _Sums:
    """Running device-side sums of loss and hits, and the host-side example count."""

    def __init__(self, to_float):
        self.loss = self.hits = None
        self.n = 0
        self._to_float = to_float

    def add(self, loss_sum, hits, n):
        self.loss = loss_sum if self.loss is None else self.loss + loss_sum
        self.hits = hits if self.hits is None else self.hits + hits
        self.n += n

    def means(self):
        """(mean loss, accuracy) so far: the one place that waits for the device."""
        return self._to_float(self.loss) / self.n, self._to_float(self.hits) / self.n


def check_batches(train_iter):
    """Refuse an empty training set before anything is printed."""
    if len(train_iter) == 0:
        raise ValueError('train_iter yields no batches')


def train_ch5_loop(step, evaluate, to_float, train_iter, num_epochs, record, results):
    """d2lzh's train_ch5 loop: one line per epoch, wall time including the test pass."""
    print('training on', record.device)
    for epoch in range(num_epochs):
        start, sums = time.time(), _Sums(to_float)
        for X, y in train_iter:
            sums.add(*step(X, y))
        test_acc = evaluate()
        train_l, train_acc = sums.means()
        seconds = time.time() - start
        print('epoch %d, loss %.4f, train acc %.3f, test acc %.3f, time %.1f sec'
              % (epoch + 1, train_l, train_acc, test_acc, seconds))
        record.train_examples = sums.n
        record.add_epoch(train_l, train_acc, test_acc, seconds, sums.n)
    record.save(results)
    return record


def train_ch6_loop(step, evaluate, to_float, train_iter, num_epochs, record, results):
    """d2l's train_ch6 loop: Animator five times per epoch, two closing lines."""
    print('training on', record.device)
    animator = Animator(xlabel='epoch', xlim=[1, max(num_epochs, 1)],
                        legend=['train loss', 'train acc', 'test acc'])
    timer, num_batches = Timer(), len(train_iter)
    for epoch in range(num_epochs):
        start, sums = time.time(), _Sums(to_float)
        for i, (X, y) in enumerate(train_iter):
            if not record.batch_size:
                record.batch_size = len(y)  # train_ch6 has no batch_size argument
            timer.start()
            sums.add(*step(X, y))
            timer.stop()
            # max(.., 1): d2l's `num_batches // 5` divides by zero under 5 batches.
            if (i + 1) % max(num_batches // 5, 1) == 0 or i == num_batches - 1:
                train_l, train_acc = sums.means()
                animator.add(epoch + (i + 1) / num_batches, (train_l, train_acc, None))
        test_acc = evaluate()
        animator.add(epoch + 1, (None, None, test_acc))
        record.train_examples = sums.n
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    animator.show()
    if record.epochs:
        print(f'loss {train_l:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}')
        print(f'{sums.n * num_epochs / timer.sum():.1f} examples/sec on {record.device}')
    record.save(results)
    return record


def train_slides_loop(step, evaluate, to_float, train_iter, num_epochs, record, results):
    """The course slides' loop (PyTorch tutorial style): loss every 100 batches, test per epoch.

    ``evaluate()`` returns (mean test loss over batches, test accuracy)."""
    size = getattr(train_iter, 'num_examples', None) or '?'
    for epoch in range(num_epochs):
        print(f'Epoch {epoch + 1}\n-------------------------------')
        start, sums = time.time(), _Sums(to_float)
        for batch, (X, y) in enumerate(train_iter):
            if not record.batch_size:
                record.batch_size = len(y)
            loss_sum, hits, n = step(X, y)
            sums.add(loss_sum, hits, n)
            if batch % 100 == 0:  # one host sync per 100 batches, as the slides print
                current = sums.n
                print(f'loss: {to_float(loss_sum) / n:>7f}  [{current:>5d}/{size:>5}]')
        test_loss, test_acc = evaluate()
        print(f'Test Error: \n Accuracy: {100 * test_acc:>0.1f}%, Avg loss: {test_loss:>8f} \n')
        train_l, train_acc = sums.means()
        record.train_examples = sums.n
        record.add_epoch(train_l, train_acc, test_acc, time.time() - start, sums.n)
    record.save(results)
    return record


def new_record(backend, trainer, device, recipe, lr, batch_size, num_epochs):
    """A RunRecord for a run about to start, with the current seed."""
    return RunRecord(backend, trainer, str(device), recipe, core.current_seed(), lr,
                     batch_size, num_epochs)
