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


# Packages only the course environment has: the modern lane (Python 3.13, numpy 2, PyTorch
# only; d2l_lenet.testrun) runs the same tests, and one that needs these is skipped there.
COURSE_ONLY = ('mxnet', 'd2l', 'd2lzh')


def _missing(name):
    import importlib.util
    return importlib.util.find_spec(name) is None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that fails only because a course-only package is not installed here is skipped,
    with the package named (it runs, and must pass, in the course environment)."""
    outcome = yield
    report = outcome.get_result()
    error = call.excinfo.value if call.excinfo else None
    if (report.failed and isinstance(error, ModuleNotFoundError)
            and (error.name or '').split('.')[0] in COURSE_ONLY and _missing(error.name.split('.')[0])):
        report.outcome = 'skipped'
        report.longrepr = (str(item.path), item.location[1],
                           f'needs {error.name.split(".")[0]}, which only the course environment has')


def pytest_collection_modifyitems(config, items):
    """Where MXNet is not installed (the modern lane), tests of its backend are skipped."""
    if not _missing('mxnet'):
        return
    skip = pytest.mark.skip(reason='a test of the MXNet backend; only the course environment '
                                   'has MXNet')
    for item in items:
        params = getattr(getattr(item, 'callspec', None), 'params', {})
        if 'mxnet' in getattr(item, 'originalname', '') or params.get('backend') == 'mxnet' or any(
                isinstance(v, str) and 'import mxnet' in v for v in params.values()):
            item.add_marker(skip)
