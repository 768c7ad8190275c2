"""Find, download, verify and decode the Fashion-MNIST and MNIST IDX files (no framework)."""
import dataclasses
import functools
import gzip
import hashlib
import os
import struct
import tempfile
import urllib.error
import urllib.request

import numpy as np

from . import config

IDX_MAGIC = {3: 2051, 1: 2049}  # ndim -> magic number of uint8 IDX files
FASHION_MNIST_LABELS = ('t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                        'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot')


def get_fashion_mnist_labels(labels):
    """Text labels of Fashion-MNIST class indices (d2l)."""
    if hasattr(labels, 'asnumpy'):  # MXNet arrays: their elements do not convert with int()
        labels = labels.asnumpy()
    return [FASHION_MNIST_LABELS[int(i)] for i in labels]


class DataNotFoundError(FileNotFoundError):
    """No copy of a data set was found and none could be downloaded."""


class DataIntegrityError(ValueError):
    """A data file exists but is truncated, corrupt or not the expected IDX file."""


@dataclasses.dataclass(frozen=True)
class IdxFile:
    """One IDX file: its name, shape and the md5 of its uncompressed bytes."""
    name: str            # e.g. 'train-images-idx3-ubyte' (no .gz)
    shape: tuple         # e.g. (60000, 28, 28)
    md5: str             # md5 of the uncompressed bytes
    alt_names: tuple = ()  # other spellings found in the wild

    def candidates(self):
        """File names to look for, compressed and not, in preference order."""
        names = (self.name, *self.alt_names)
        return [n + '.gz' for n in names] + list(names)


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A data set: its folder name, the usual places it lives, its files and mirrors."""
    name: str
    files: dict                # (split, kind) -> IdxFile, kind in {'images', 'labels'}
    mirrors: tuple             # base URLs (HTTPS) holding '<name>.gz'
    folders: tuple = ()        # sub-folders of a data root that frameworks use
    homes: tuple = ()          # absolute places that frameworks download to


def _idx(split, kind, count, md5, alt=None):
    prefix = 'train' if split == 'train' else 't10k'
    ndim = 'idx3' if kind == 'images' else 'idx1'
    shape = (count, 28, 28) if kind == 'images' else (count,)
    return IdxFile(f'{prefix}-{kind}-{ndim}-ubyte', shape, md5,
                   (alt,) if alt else ())


FASHION_MNIST = Dataset(
    name='fashion-mnist',
    files={
        ('train', 'images'): _idx('train', 'images', 60000, 'f4a8712d7a061bf5bd6d2ca38dc4d50a'),
        ('train', 'labels'): _idx('train', 'labels', 60000, '9018921c3c673c538a1fc5bad174d6f9'),
        ('test', 'images'): _idx('test', 'images', 10000, '8181f5470baa50b63fa0f6fddb340f0a'),
        ('test', 'labels'): _idx('test', 'labels', 10000, '15d484375f8d13e6eb1aabb0c3f46965'),
    },
    mirrors=('https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/',),
    folders=('fashion-mnist', 'FashionMNIST/raw', 'fashion_mnist', 'fashion'),
    homes=('~/.mxnet/datasets/fashion-mnist', '../data/FashionMNIST/raw',
           'data/FashionMNIST/raw', '~/.cache/d2l_compat/fashion-mnist'),
)

MNIST = Dataset(
    name='mnist',
    files={
        ('train', 'images'): _idx('train', 'images', 60000, '6bbc9ace898e44ae57da46a324031adb',
                                  'train-images.idx3-ubyte'),
        ('train', 'labels'): _idx('train', 'labels', 60000, 'a25bea736e30d166cdddb491f175f624',
                                  'train-labels.idx1-ubyte'),
        ('test', 'images'): _idx('test', 'images', 10000, '2646ac647ad5339dbf082846283269ea',
                                 't10k-images.idx3-ubyte'),
        ('test', 'labels'): _idx('test', 'labels', 10000, '27ae3e4e09519cfbb04c329615203637',
                                 't10k-labels.idx1-ubyte'),
    },
    mirrors=('https://ossci-datasets.s3.amazonaws.com/mnist/',
             'https://storage.googleapis.com/cvdf-datasets/mnist/'),
    folders=('mnist', 'MNIST/raw', 'MNIST'),
    homes=('~/.mxnet/datasets/mnist', '../data/MNIST/raw', 'data/MNIST/raw',
           '~/.cache/d2l_compat/mnist'),
)

DATASETS = {d.name: d for d in (FASHION_MNIST, MNIST)}


def search_dirs(dataset, root=None):
    """Folders to look in, in order: root, D2L_DATA_DIR, then the frameworks' places."""
    dirs = []
    for base in (root, config.data_dir()):
        if base:
            base = os.path.expanduser(str(base))
            dirs += [base] + [os.path.join(base, sub) for sub in dataset.folders]
    dirs += [os.path.expanduser(h) for h in dataset.homes]
    seen, unique = set(), []
    for d in dirs:
        key = os.path.abspath(d)
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def _find(dataset, idx_file, root):
    """Path of the first existing copy of ``idx_file``, or None."""
    for folder in search_dirs(dataset, root):
        for name in idx_file.candidates():
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


def _read_bytes(path, idx_file):
    """Uncompressed bytes of ``path`` (gzip or not, by content); broken gzip: DataIntegrityError."""
    try:
        with open(path, 'rb') as f:
            blob = f.read()
        # By content, not name: browsers sometimes store a decompressed file under '.gz'.
        return gzip.decompress(blob) if blob[:2] == b'\x1f\x8b' else blob
    except (OSError, EOFError, gzip.BadGzipFile, ValueError) as e:
        raise DataIntegrityError(
            f'{path}: cannot be read ({type(e).__name__}: {e}); the file is truncated or '
            f'corrupt. Expected the IDX file {idx_file.name} with uncompressed md5 '
            f'{idx_file.md5}. Move it aside and run again to download a fresh copy.') from e


def decode_idx(raw, idx_file, path='<bytes>'):
    """Check the header and checksum of uncompressed IDX bytes; return a uint8 array."""
    ndim = len(idx_file.shape)
    header = 4 + 4 * ndim
    where = (f'{path}: expected the IDX file {idx_file.name} (shape {idx_file.shape}, '
             f'uncompressed md5 {idx_file.md5})')
    if len(raw) < header:
        raise DataIntegrityError(f'{where}, but it has only {len(raw)} bytes.')
    magic, *dims = struct.unpack(f'>{ndim + 1}I', raw[:header])
    if magic != IDX_MAGIC[ndim]:
        raise DataIntegrityError(
            f'{where}, but its magic number is {magic} instead of {IDX_MAGIC[ndim]}.')
    if tuple(dims) != idx_file.shape:
        raise DataIntegrityError(f'{where}, but its header says shape {tuple(dims)}.')
    if len(raw) != header + int(np.prod(dims)):
        raise DataIntegrityError(
            f'{where}, but it has {len(raw)} bytes instead of {header + int(np.prod(dims))} '
            '(truncated or padded).')
    digest = hashlib.md5(raw).hexdigest()
    if digest != idx_file.md5:
        raise DataIntegrityError(f'{where}, but its md5 is {digest}: the file is corrupt.')
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(idx_file.shape)


def _download(dataset, idx_file, folder):
    """Fetch ``idx_file`` from the mirrors into ``folder`` atomically; return its path."""
    from tqdm.auto import tqdm  # only a download needs it

    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, idx_file.name + '.gz')
    errors = []
    for mirror in dataset.mirrors:
        url = mirror + idx_file.name + '.gz'
        fd, tmp = tempfile.mkstemp(prefix='.' + idx_file.name, suffix='.part', dir=folder)
        try:
            with os.fdopen(fd, 'wb') as out, urllib.request.urlopen(url, timeout=30) as resp:
                total = int(resp.headers.get('Content-Length') or 0) or None
                with tqdm(total=total, unit='B', unit_scale=True,
                          desc=f'{dataset.name}/{idx_file.name}.gz') as bar:
                    for chunk in iter(lambda: resp.read(1 << 16), b''):
                        out.write(chunk)
                        bar.update(len(chunk))
            decode_idx(_read_bytes(tmp, idx_file), idx_file, url)  # verify before keeping
            os.replace(tmp, target)  # atomic: a file under its real name is complete
            return target
        except (OSError, urllib.error.URLError, DataIntegrityError) as e:
            errors.append(f'{url}: {e}')
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise DataNotFoundError('\n  '.join(['all downloads failed:', *errors]))


def _download_folder(dataset, root):
    """Where a download goes: root, else D2L_DATA_DIR/<name>, else the user cache."""
    if root:
        return os.path.expanduser(str(root))
    if config.data_dir():
        if not os.path.isdir(config.data_dir()):  # a typo must not start a download elsewhere
            raise DataNotFoundError(
                f'D2L_DATA_DIR={config.data_dir()!r} is not a folder; fix the path (it should '
                f'hold {dataset.name}/) or unset it to use the default places')
        return os.path.join(config.data_dir(), dataset.name)
    return os.path.expanduser(dataset.homes[-1])


def locate(dataset, split, kind, root=None, download=True):
    """Path of a verified-to-exist copy of one file, downloading it if allowed."""
    idx_file = dataset.files[(split, kind)]
    path = _find(dataset, idx_file, root)
    if path is not None:
        return path
    looked = '\n  '.join(search_dirs(dataset, root))
    hint = (f'Put the four {dataset.name} IDX files (.gz or uncompressed) in one of those '
            f'folders, or point D2L_DATA_DIR at a folder holding {dataset.name}/, '
            f'e.g. D2L_DATA_DIR=../shared/data.')
    if not download:
        raise DataNotFoundError(f'{idx_file.name}(.gz) not found; looked in:\n  {looked}\n{hint}')
    try:
        return _download(dataset, idx_file, _download_folder(dataset, root))
    except DataNotFoundError as e:
        raise DataNotFoundError(
            f'{idx_file.name}(.gz) not found; looked in:\n  {looked}\n'
            f'and {e}\n{hint}') from None


@functools.lru_cache(maxsize=8)
def _load_verified(path, idx_file):
    array = decode_idx(_read_bytes(path, idx_file), idx_file, path)
    array.flags.writeable = False  # shared by every caller: nobody may edit it
    return array


def load_split(name, split, root=None, download=True):
    """(images uint8 [N, 28, 28], labels uint8 [N]) of one split, read once per process."""
    if name not in DATASETS:
        raise ValueError(f'unknown data set {name!r}; expected one of {sorted(DATASETS)}')
    if split not in ('train', 'test'):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    dataset = DATASETS[name]
    return tuple(
        _load_verified(os.path.abspath(locate(dataset, split, kind, root, download)),
                       dataset.files[(split, kind)])
        for kind in ('images', 'labels'))
