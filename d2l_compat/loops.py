"""What the editions' epoch loops share (the loops themselves are in ``editions/``).

A step takes a batch and returns ``(loss_sum, hits)``: the batch's summed loss and its number
of correct predictions, left on the device. A loop adds those up on the device and reads them
to the host only when it prints or plots, so a CPU epoch costs one or a few syncs instead of
two per batch. Each loop carries ``trainer`` (its name in run records) and ``test_loss``
(whether its evaluation also returns the test loss), and is called as
``loop(step, evaluate, to_float, train_iter, num_epochs, record, results, begin_epoch)``.
"""
from . import config, core
from .core import RunRecord


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


def epoch(step, train_iter, to_float, record, on_batch=None):
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


def new_record(backend, trainer, device, recipe, lr, batch_size, num_epochs, numerics=None):
    """A RunRecord for a run about to start, with the current seed."""
    seed, stale = core.take_seed()
    record = RunRecord(backend, trainer, str(device), recipe, seed, lr,
                       batch_size, num_epochs)
    record.stale_seed = stale
    record.host.update(numerics or {})
    return record
