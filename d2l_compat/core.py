"""Backend-neutral helpers: d2l's Accumulator and Timer, seeding, batching, run records."""
import dataclasses
import datetime
import json
import numbers
import os
import platform
import random
import time

import numpy as np

from . import config

_seed = None  # the last seed given to set_seed, recorded in the next run record
_seed_taken = False  # whether a run has started from it already


class Accumulator:
    """Sums over ``n`` variables (d2l semantics: each value is turned into a float)."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


class Timer:
    """Records several running times (d2l semantics)."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start the timer."""
        self.tik = time.perf_counter()

    def stop(self):
        """Stop the timer and record the time in a list."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self):
        """Average of the recorded times."""
        return sum(self.times) / len(self.times)

    def sum(self):
        """Sum of the recorded times."""
        return sum(self.times)

    def cumsum(self):
        """Running total of the recorded times."""
        return np.array(self.times).cumsum().tolist()


def seed_python_numpy(seed):
    """Seed Python's and numpy's global generators; remember the seed for run records."""
    global _seed, _seed_taken
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f'seed must be a non-negative int, not {seed!r}')
    _seed, _seed_taken = int(seed), False
    random.seed(_seed)
    np.random.seed(_seed % 2**32)


def current_seed():
    """The seed last passed to set_seed, or None."""
    return _seed


def take_seed():
    """(seed, stale) for a run that starts now: the seed set for it, or, where an earlier run
    already started from the last set_seed (a cell re-run without re-seeding), (None, that
    seed): the generators have moved on, so this run is not that seed's."""
    global _seed_taken
    if _seed is None:
        return None, None
    if _seed_taken:
        return None, _seed
    _seed_taken = True
    return _seed, None


def check_positive_int(name, value):
    """Raise ValueError unless ``value`` is an int > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f'{name} must be a positive int, not {value!r}')
    return int(value)


def check_epochs(num_epochs):
    """Validate num_epochs (0 is allowed: nothing is trained) and apply D2L_MAX_EPOCHS."""
    if (isinstance(num_epochs, bool) or not isinstance(num_epochs, numbers.Integral)
            or num_epochs < 0):
        raise ValueError(f'num_epochs must be an int >= 0, not {num_epochs!r}')
    cap = config.max_epochs()
    return min(int(num_epochs), cap) if cap else int(num_epochs)


def check_lr(lr):
    """Raise ValueError unless ``lr`` is a finite number > 0."""
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f'lr must be a positive number, not {lr!r}')
    return float(lr)


def check_resize(resize):
    """None, or a positive int (square) / pair of positive ints; returns (h, w) or None."""
    if resize is None:
        return None
    if isinstance(resize, (tuple, list)) and len(resize) == 2:
        return tuple(check_positive_int('resize', r) for r in resize)
    size = check_positive_int('resize', resize)
    return (size, size)


class IndexBatches:
    """Index arrays of the mini-batches of one epoch, reshuffled each epoch if asked."""

    def __init__(self, num_examples, batch_size, shuffle):
        self.num_examples = num_examples
        self.batch_size = check_positive_int('batch_size', batch_size)
        self.shuffle = shuffle
        # Drawn from numpy's global generator, so set_seed fixes every loader's order.
        self._rng = np.random.default_rng(np.random.randint(2**31))

    def __len__(self):
        return -(-self.num_examples // self.batch_size)

    def __iter__(self):
        order = (self._rng.permutation(self.num_examples) if self.shuffle
                 else np.arange(self.num_examples))
        for start in range(0, self.num_examples, self.batch_size):
            yield order[start:start + self.batch_size]


class ArrayBatches:
    """Mini-batches of in-memory uint8 images as numpy (X float32 NCHW in [0, 1], y)."""

    def __init__(self, images, labels, batch_size, shuffle, label_dtype):
        if len(images) != len(labels):
            raise ValueError(f'{len(images)} images but {len(labels)} labels')
        self.images, self.labels = images, labels
        self.label_dtype = label_dtype
        self.indices = IndexBatches(len(labels), batch_size, shuffle)

    def __len__(self):
        return len(self.indices)

    @property
    def num_examples(self):
        return len(self.labels)

    def __iter__(self):
        for idx in self.indices:
            # Divide in float32, as ToTensor does, so values match upstream bit for bit.
            X = self.images[idx].astype(np.float32)[:, None] / np.float32(255)
            yield X, self.labels[idx].astype(self.label_dtype)


class Normalize:
    """A loader whose images are (X - mean) / std, like torchvision's Normalize((m,), (s,))."""

    def __init__(self, data_iter, mean, std):
        if not std > 0:
            raise ValueError(f'Normalize: std must be > 0, not {std!r}')
        self.data_iter, self.mean, self.std = data_iter, float(mean), float(std)

    def __len__(self):
        return len(self.data_iter)

    @property
    def num_examples(self):
        return getattr(self.data_iter, 'num_examples', None)

    def __iter__(self):
        for X, y in self.data_iter:
            yield (X - self.mean) / self.std, y


def split_arrays(name, split, root=None):
    """Images and labels of a split, with D2L_MAX_TRAIN/TEST_EXAMPLES applied (first n)."""
    from .data import load_split

    images, labels = load_split(name, split, root)
    cap = config.max_train_examples() if split == 'train' else config.max_test_examples()
    if cap and cap < len(labels):
        images, labels = images[:cap], labels[:cap]
    return images, labels


def train_test_arrays(name, batch_size, resize, root):
    """Validate a loader's arguments, then return the (images, labels) of both splits."""
    check_positive_int('batch_size', batch_size)
    check_resize(resize)
    return split_arrays(name, 'train', root), split_arrays(name, 'test', root)


def cpu_model():
    """The CPU's model name (numbers repeat digit for digit only on the same kind of CPU)."""
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@dataclasses.dataclass
class RunRecord:
    """What one training run did: settings, per-epoch metrics and where it ran."""
    backend: str
    trainer: str
    device: str
    recipe: str = None
    seed: int = None
    lr: float = None
    batch_size: int = None
    num_epochs: int = 0
    train_examples: int = 0
    epochs: list = dataclasses.field(default_factory=list)
    threads: list = dataclasses.field(default_factory=list)  # CPU threads, per epoch
    steps: list = dataclasses.field(default_factory=list)  # per-step mean loss (D2L_RECORD_STEPS)
    start: str = None  # a same-start run's shared initial weights (d2l_lenet/samestart.py)
    stale_seed: int = None  # the seed an earlier run already started from (see take_seed)
    started: str = dataclasses.field(
        default_factory=lambda: datetime.datetime.now(datetime.timezone.utc)
        .isoformat(timespec='seconds'))
    host: dict = dataclasses.field(default_factory=lambda: {
        'machine': platform.machine(), 'cpu': cpu_model(), 'cores': os.cpu_count(),
        'threads': None,
        'max_train_examples': config.max_train_examples(),
        'max_test_examples': config.max_test_examples(), 'max_epochs': config.max_epochs()})

    def add_epoch(self, loss, train_acc, test_acc, seconds, examples):
        """Append one epoch's metrics."""
        self.epochs.append({
            'epoch': len(self.epochs) + 1, 'loss': float(loss), 'train_acc': float(train_acc),
            'test_acc': float(test_acc), 'seconds': float(seconds),
            'examples_per_sec': examples / seconds if seconds > 0 else None})

    @property
    def caps(self):
        """The D2L_MAX_* caps this run was made under ({} on the full data)."""
        return {k: v for k, v in self.host.items() if k in config.CAPS and v}

    def final(self, key):
        """The last epoch's value of ``key`` (None before any epoch)."""
        return self.epochs[-1][key] if self.epochs else None

    @property
    def loss(self):
        return self.final('loss')

    @property
    def train_acc(self):
        return self.final('train_acc')

    @property
    def test_acc(self):
        return self.final('test_acc')

    def to_dict(self):
        return dataclasses.asdict(self)

    def named(self, recipe, results=None):
        """Give this run its recipe's name and append it to ``results`` (default: D2L_RESULTS);
        returns the record (d2l-en's ``Trainer.record`` is unnamed until then)."""
        if not isinstance(recipe, str) or not recipe:
            raise ValueError(f'recipe must be a non-empty name, not {recipe!r}')
        self.recipe = recipe
        self.save(results)
        return self

    def save(self, path=None):
        """Append this record as one JSON line to ``path`` (default: D2L_RESULTS), if any;
        ``path=False`` saves nothing (a caller that files the record itself)."""
        if path is False:
            return None
        path = path or config.results_file()
        if not path:
            return None
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        line = json.dumps(self.to_dict(), sort_keys=True) + '\n'
        # One O_APPEND write per record: kernels appending to one file side by side (the
        # parallel test lanes) never interleave, and a reader never sees half a record.
        data = line.encode('utf-8')
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, data)
        finally:
            os.close(fd)
        if written != len(data):  # a full disk or a quota: say so rather than lose the run
            raise OSError(f'{path}: only {written} of {len(data)} bytes of a run record were '
                          'written; its last line is incomplete (free some space and run again)')
        return path


def load_records(path):
    """Run records from a JSON-lines file; a bad line is an error naming file and line."""
    records = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line)
                fields.setdefault('started', '')  # an undated record is older than any dated one
                records.append(RunRecord(**fields))
            except (json.JSONDecodeError, TypeError) as e:
                raise ValueError(f'{path}:{lineno}: not a run record ({e})') from e
    return records
