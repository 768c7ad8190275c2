"""Shared fixtures: tiny IDX files made on the fly, and a cap on training examples."""
import gzip
import hashlib
import struct

import numpy as np
import pytest

from d2l_compat import BACKENDS, data


def idx_bytes(array):
    """Uncompressed IDX bytes of a uint8 array."""
    array = np.asarray(array, dtype=np.uint8)
    magic = data.IDX_MAGIC[array.ndim]
    return struct.pack(f'>{array.ndim + 1}I', magic, *array.shape) + array.tobytes()


def tiny_dataset(count=5, mirrors=()):
    """A Dataset spec for small random IDX files, and the bytes of each file."""
    rng = np.random.default_rng(0)
    arrays = {('train', 'images'): rng.integers(0, 256, (count, 28, 28)),
              ('train', 'labels'): rng.integers(0, 10, (count,)),
              ('test', 'images'): rng.integers(0, 256, (count, 28, 28)),
              ('test', 'labels'): rng.integers(0, 10, (count,))}
    raws, files = {}, {}
    for key, array in arrays.items():
        raw = idx_bytes(array)
        name = data._idx(key[0], key[1], count, '').name
        files[key] = data.IdxFile(name, np.shape(array), hashlib.md5(raw).hexdigest())
        raws[key] = raw
    spec = data.Dataset('tiny', files, tuple(mirrors), folders=('tiny',), homes=())
    return spec, raws


def write_gz(path, raw):
    with gzip.open(path, 'wb') as f:
        f.write(raw)
    return path


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A tiny data set's spec and bytes, with no D2L_DATA_DIR to find the real one."""
    monkeypatch.delenv('D2L_DATA_DIR', raising=False)
    return tiny_dataset()


@pytest.fixture
def few_examples(monkeypatch):
    """Train on the first 1024 examples only (the test split stays whole)."""
    monkeypatch.setenv('D2L_MAX_TRAIN_EXAMPLES', '1024')
    monkeypatch.setenv('D2L_ANIMATOR', 'off')


@pytest.fixture(autouse=True)
def no_run_records(monkeypatch):
    """Unit tests' training runs are not notebook runs: keep them out of D2L_RESULTS (make test
    points it at the file the comparison notebook reads)."""
    monkeypatch.delenv('D2L_RESULTS', raising=False)


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each backend's name in turn (d2l_compat.BACKENDS): a test taking it runs once per backend."""
    return request.param
