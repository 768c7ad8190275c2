"""The English edition's §7.6 run by upstream's own d2l 1.0.3, offline, for comparison.

    python -m d2l_lenet.upstream {mxnet,torch} [--seed 0] [--max-epochs 10]

Executes the tab's code cells from the pinned section (../shared/book/d2l-en-v1.0.3) with
``from d2l import <tab> as d2l`` as written, and prints the final epoch's validation loss
and accuracy from ``model.board.data`` (upstream's only record) and the seconds ``fit`` took,
as one JSON line. Offline: upstream's loaders are given the verified original files
(``d2l_compat.data`` checks their md5s, SOURCES.md's), as torchvision's
``root/FashionMNIST/raw/*.gz`` for PyTorch; for MXNet, Gluon's download (which checks its
own mirror's SHA-1, which the original files do not match) is replaced by a lookup of the
verified file. The board's figure is switched off (``display=False``: outside Jupyter it
would print the Figure's repr), which changes nothing it computes.
"""
import argparse
import json
import os
import pathlib
import re
import sys
import tempfile
import time

from d2l_compat import data as course_data

from . import book

SECTION = 'd2l-en-v1.0.3/lenet.md'
_SPLIT = {'train': 'train', 't10k': 'test'}


def verified(name):
    """The verified local copy of an original Fashion-MNIST file named like 'train-images-idx3-ubyte.gz'."""
    prefix, kind = re.match(r'(train|t10k)-(images|labels)', name).groups()
    dataset = course_data.FASHION_MNIST
    path = os.path.abspath(course_data.locate(dataset, _SPLIT[prefix], kind, download=False))
    course_data._load_verified(path, dataset.files[(_SPLIT[prefix], kind)])  # md5 or raise
    return path


def offline_torchvision(root):
    """Lay the verified files out as torchvision's ``root/FashionMNIST/raw/*.gz``."""
    raw = pathlib.Path(root) / 'FashionMNIST' / 'raw'
    raw.mkdir(parents=True)
    for split in ('train', 't10k'):
        for kind in ('images', 'labels'):
            name = f'{split}-{kind}-idx{3 if kind == "images" else 1}-ubyte.gz'
            (raw / name).symlink_to(verified(name))


def offline_gluon():
    """Gluon's FashionMNIST reads the verified files instead of downloading."""
    from mxnet.gluon.data.vision import datasets
    datasets.download = lambda url, path=None, sha1_hash=None, **kw: verified(url.rsplit('/', 1)[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('backend', choices=book.TAB_OF)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--max-epochs', type=int, default=10)
    args = parser.parse_args()
    tab = book.TAB_OF[args.backend]
    cells = book.tab_cells(SECTION, tab)
    *definitions, training = cells
    training = training.replace('max_epochs=10', f'max_epochs={args.max_epochs}')
    with tempfile.TemporaryDirectory() as folder:
        os.makedirs(os.path.join(folder, 'work'))
        os.chdir(os.path.join(folder, 'work'))  # upstream's DataModule root is '../data'
        namespace = {'__name__': '__main__'}
        exec(definitions[0], namespace)  # the import cell: upstream's d2l
        d2l = namespace['d2l']
        init = d2l.ProgressBoard.__init__
        d2l.ProgressBoard.__init__ = lambda self, *a, **kw: init(self, *a, **{**kw, 'display': False})
        if tab == 'pytorch':
            offline_torchvision(os.path.join(folder, 'data'))
            import torch
            torch.manual_seed(args.seed)
        else:
            offline_gluon()
            import mxnet
            mxnet.random.seed(args.seed)
        import numpy
        numpy.random.seed(args.seed)
        for cell in definitions[1:]:
            exec(cell, namespace)
        start = time.time()
        exec(training, namespace)
        seconds = time.time() - start
    data = namespace['model'].board.data
    print(json.dumps({'backend': args.backend, 'package': f'd2l {d2l_version()}',
                      'seed': args.seed, 'max_epochs': args.max_epochs,
                      'val_loss': data['val_loss'][-1].y, 'val_acc': data['val_acc'][-1].y,
                      'seconds': round(seconds, 1)}))


def d2l_version():
    from importlib import metadata
    return metadata.version('d2l')


if __name__ == '__main__':
    sys.exit(main())
