"""Run records from the book's own trainers, read from what they print or plot.

§5.5's ``train_ch5`` prints one line per epoch; §6.6's ``train_ch6`` gives its per-epoch
numbers to ``d2l.Animator``. A notebook keeps the section's own function and wraps it once,
``train_ch5 = d2l.recorded(train_ch5, recipe='lenet-v1')``: the function runs unchanged and
prints what it prints, and the wrapper turns those numbers into a :class:`RunRecord`.
"""
import functools
import inspect
import io
import sys
import time

from . import core

_captures = []  # calls in progress; Animator.add reports to the innermost one


def animator_added(animator, x, y):
    """Called by Animator.add: a point for the capture in progress, if any."""
    if _captures:
        capture = _captures[-1]
        capture.points.append((time.perf_counter(), id(animator), x, tuple(y)))
        capture.animators[id(animator)] = animator


class _Tee(io.TextIOBase):
    """Writes through to a stream and keeps a copy."""

    def __init__(self, stream):
        self.stream, self.parts = stream, []

    def write(self, text):
        self.parts.append(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


class _Capture:
    def __init__(self):
        self.points, self.started = [], time.perf_counter()
        self.animators = {}

    def epochs_from_animator(self):
        """[(loss, train acc, test acc, seconds)] from the points of the last Animator drawn."""
        if not self.points:
            return []
        last = self.points[-1][1]
        points = [p for p in self.points if p[1] == last]
        train = {x: y for _, _, x, y in points if y[0] is not None and float(x).is_integer()}
        tests = [(t, x, y[2]) for t, _, x, y in points if y[2] is not None]
        epochs, before = [], self.started
        for t, x, test_acc in tests:
            loss, train_acc = train.get(x, (None, None))[:2]
            if loss is None:
                raise ValueError(f'recorded: the Animator got test accuracy at x={x} but no '
                                 'training loss at the end of that epoch')
            epochs.append((loss, train_acc, test_acc, t - before))
            before = t
        return epochs


def recorded(backend, fn, recipe=None, results=None):
    """``fn`` wrapped so that each call leaves its RunRecord in ``wrapper.record``."""
    fn = getattr(fn, '__recorded__', fn)  # wrapping twice (a cell run again) wraps the original
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs).arguments
        capture, tee = _Capture(), _Tee(sys.stdout)
        _captures.append(capture)
        saved, sys.stdout = sys.stdout, tee
        try:
            result = fn(*args, **kwargs)
        finally:
            sys.stdout = saved
            _captures.remove(capture)
        for animator in capture.animators.values():
            animator.finish()  # D2L_ANIMATOR=final: the book's loop never says it is done
        from .editions.d2lzh import epochs_from_lines  # here: the editions import the Animator
        epochs = epochs_from_lines(''.join(tee.parts)) or capture.epochs_from_animator()
        if not epochs:
            raise ValueError(f'recorded: {fn.__name__} printed no d2lzh epoch lines and drew no '
                             'd2l Animator, so there is nothing to record')
        wrapper.record = _record(backend, fn.__name__, bound, recipe, epochs)
        wrapper.record.save(results)
        return result

    wrapper.__recorded__ = fn
    wrapper.record = None
    return wrapper


def _record(backend, name, arguments, recipe, epochs):
    trainer = arguments.get('trainer')
    lr = arguments.get('lr', backend.learning_rate(trainer) if trainer is not None else None)
    device = arguments.get('device', arguments.get('ctx'))
    train_iter = arguments.get('train_iter')
    examples = getattr(train_iter, 'num_examples', None) or 0
    batch_size = arguments.get('batch_size', getattr(train_iter, 'batch_size', None))
    seed, stale = core.take_seed()
    record = core.RunRecord(backend.name, name, str(device), recipe, seed,
                            None if lr is None else float(lr), batch_size, len(epochs))
    record.stale_seed = stale
    record.host.update(backend.numerics(), threads=backend.get_threads())
    record.train_examples = examples
    for loss, train_acc, test_acc, seconds in epochs:
        record.add_epoch(loss, train_acc, test_acc, seconds, examples)
        record.threads.append(record.host['threads'])
    return record
