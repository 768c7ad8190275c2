"""The IDX reader: the real files, and small broken ones made here."""
import functools
import gzip
import hashlib
import http.server
import os
import threading
import urllib.error

import numpy as np
import pytest

from conftest import idx_bytes, write_gz
from d2l_compat import data

# From ../shared/data/*/SOURCES.md: md5 of each upstream .gz file.
UPSTREAM_GZ_MD5 = {
    'fashion-mnist': {'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
                      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
                      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
                      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310'},
    'mnist': {'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
              'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
              't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
              't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c'},
}
FIRST_LABELS = {'fashion-mnist': ([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]),
                'mnist': ([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])}
MEAN_STD = {'fashion-mnist': (0.2860, 0.3530), 'mnist': (0.1307, 0.3081)}


# ---- the real files (D2L_DATA_DIR, set by the Makefile and .ci/run) ----

@pytest.mark.parametrize('name', sorted(data.DATASETS))
def test_real_files_are_the_upstream_files(name):
    dataset = data.DATASETS[name]
    for (split, kind), idx_file in dataset.files.items():
        path = data.locate(dataset, split, kind, download=False)
        if path.endswith('.gz'):
            with open(path, 'rb') as f:
                assert hashlib.md5(f.read()).hexdigest() == UPSTREAM_GZ_MD5[name][
                    os.path.basename(path)]


@pytest.mark.parametrize('name', sorted(data.DATASETS))
def test_real_splits_shapes_labels_and_statistics(name):
    train_x, train_y = data.load_split(name, 'train', download=False)
    test_x, test_y = data.load_split(name, 'test', download=False)
    assert train_x.shape == (60000, 28, 28) and train_x.dtype == np.uint8
    assert test_x.shape == (10000, 28, 28) and test_y.shape == (10000,)
    assert train_y[:10].tolist() == FIRST_LABELS[name][0]
    assert test_y[:10].tolist() == FIRST_LABELS[name][1]
    mean, std = MEAN_STD[name]
    assert abs(train_x.mean() / 255 - mean) < 5e-5
    assert abs(train_x.std() / 255 - std) < 5e-5
    if name == 'fashion-mnist':
        assert np.bincount(train_y).tolist() == [6000] * 10
    else:
        assert np.bincount(test_y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028,
                                                974, 1009]


def test_real_arrays_are_read_once_and_read_only():
    first = data.load_split('fashion-mnist', 'test')
    second = data.load_split('fashion-mnist', 'test')
    assert first[0] is second[0]
    with pytest.raises(ValueError):
        first[0][0, 0, 0] = 1


# ---- small files made here ----

def test_gz_and_uncompressed_files_decode(tiny, tmp_path):
    spec, raws = tiny
    write_gz(tmp_path / 'train-images-idx3-ubyte.gz', raws[('train', 'images')])
    (tmp_path / 'train-labels-idx1-ubyte').write_bytes(raws[('train', 'labels')])
    images = data.decode_idx(raws[('train', 'images')], spec.files[('train', 'images')])
    path = data.locate(spec, 'train', 'images', root=tmp_path, download=False)
    assert path.endswith('.gz')
    loaded = data._load_verified(path, spec.files[('train', 'images')])
    assert np.array_equal(loaded, images) and loaded.shape == (5, 28, 28)
    path = data.locate(spec, 'train', 'labels', root=tmp_path, download=False)
    assert not path.endswith('.gz')


def test_root_comes_before_d2l_data_dir(tiny, tmp_path, monkeypatch):
    spec, raws = tiny
    first, second = tmp_path / 'a', tmp_path / 'b' / 'tiny'
    for folder in (first, second):
        folder.mkdir(parents=True)
        write_gz(folder / 'train-labels-idx1-ubyte.gz', raws[('train', 'labels')])
    monkeypatch.setenv('D2L_DATA_DIR', str(tmp_path / 'b'))
    assert data.locate(spec, 'train', 'labels', root=first, download=False).startswith(
        str(first))
    assert data.locate(spec, 'train', 'labels', download=False).startswith(str(second))


def test_truncated_gz_names_file_and_checksum(tiny, tmp_path):
    spec, raws = tiny
    path = write_gz(tmp_path / 'train-images-idx3-ubyte.gz', raws[('train', 'images')])
    blob = path.read_bytes()
    path.write_bytes(blob[:len(blob) // 2])
    idx_file = spec.files[('train', 'images')]
    with pytest.raises(data.DataIntegrityError) as err:
        data._load_verified(str(path), idx_file)
    assert str(path) in str(err.value) and idx_file.md5 in str(err.value)
    assert path.read_bytes() == blob[:len(blob) // 2]  # the user's file is left alone


def test_corrupt_bytes_fail_the_checksum(tiny, tmp_path):
    spec, raws = tiny
    raw = bytearray(raws[('test', 'images')])
    raw[100] ^= 0xFF
    idx_file = spec.files[('test', 'images')]
    with pytest.raises(data.DataIntegrityError, match='md5') as err:
        data.decode_idx(bytes(raw), idx_file, 'x.gz')
    assert idx_file.md5 in str(err.value) and 'x.gz' in str(err.value)


def test_wrong_magic_and_wrong_shape_are_named(tiny):
    spec, raws = tiny
    idx_file = spec.files[('train', 'labels')]
    raw = raws[('train', 'labels')]
    with pytest.raises(data.DataIntegrityError, match='magic number is 2051'):
        data.decode_idx(b'\x00\x00\x08\x03' + raw[4:], idx_file)
    with pytest.raises(data.DataIntegrityError, match=r'shape \(6,\)'):
        data.decode_idx(idx_bytes(np.zeros(6)), idx_file)
    with pytest.raises(data.DataIntegrityError, match='truncated'):
        data.decode_idx(raw[:-1], idx_file)
    with pytest.raises(data.DataIntegrityError, match='only 3 bytes'):
        data.decode_idx(raw[:3], idx_file)


def test_offline_error_lists_places_and_the_variable(tiny, tmp_path, monkeypatch):
    spec, _ = tiny
    spec = data.Dataset(spec.name, spec.files, ('https://mirror.invalid/',), spec.folders)

    def no_network(*args, **kwargs):
        raise urllib.error.URLError('no network')
    monkeypatch.setattr(data.urllib.request, 'urlopen', no_network)
    with pytest.raises(data.DataNotFoundError) as err:
        data.locate(spec, 'train', 'images', root=tmp_path / 'empty')
    message = str(err.value)
    assert str(tmp_path / 'empty') in message and 'D2L_DATA_DIR' in message
    assert 'https://mirror.invalid/train-images-idx3-ubyte.gz' in message
    assert list((tmp_path / 'empty').iterdir()) == []  # no half-written file


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match='unknown data set'):
        data.load_split('cifar', 'train')
    with pytest.raises(ValueError, match="'train' or 'test'"):
        data.load_split('mnist', 'valid')


@pytest.fixture
def mirror(tmp_path):
    """A loopback HTTP server over tmp_path/'srv'; yields (folder, base URL)."""
    folder = tmp_path / 'srv'
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f'http://127.0.0.1:{server.server_port}/'
    server.shutdown()
    server.server_close()


def test_download_verifies_and_writes_atomically(tiny, tmp_path, mirror):
    spec, raws = tiny
    folder, url = mirror
    write_gz(folder / 'train-labels-idx1-ubyte.gz', raws[('train', 'labels')])
    spec = data.Dataset(spec.name, spec.files, (url,), spec.folders)
    target = tmp_path / 'dl'
    path = data.locate(spec, 'train', 'labels', root=target)
    assert path == str(target / 'train-labels-idx1-ubyte.gz')
    assert os.listdir(target) == ['train-labels-idx1-ubyte.gz']  # no .part file left
    assert data.decode_idx(gzip.open(path).read(), spec.files[('train', 'labels')]).shape == (5,)


def test_corrupt_download_is_not_kept(tiny, tmp_path, mirror):
    spec, raws = tiny
    folder, url = mirror
    raw = bytearray(raws[('train', 'labels')])
    raw[-1] ^= 1
    write_gz(folder / 'train-labels-idx1-ubyte.gz', bytes(raw))
    spec = data.Dataset(spec.name, spec.files, (url,), spec.folders)
    target = tmp_path / 'dl'
    with pytest.raises(data.DataNotFoundError, match='md5'):
        data.locate(spec, 'train', 'labels', root=target)
    assert os.listdir(target) == []


def test_a_mistyped_data_dir_is_named_and_nothing_is_downloaded(tiny, tmp_path, mirror,
                                                                 monkeypatch):
    spec, raws = tiny
    folder, url = mirror
    write_gz(folder / 'train-labels-idx1-ubyte.gz', raws[('train', 'labels')])
    spec = data.Dataset(spec.name, spec.files, (url,), spec.folders)
    typo = tmp_path / 'shraed' / 'data'
    monkeypatch.setenv('D2L_DATA_DIR', str(typo))
    with pytest.raises(data.DataNotFoundError, match=r"D2L_DATA_DIR=.*shraed/data' is not a "
                                                     'folder'):
        data.locate(spec, 'train', 'labels')
    assert not typo.exists()
