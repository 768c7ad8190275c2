"""Importing a backend loads only its framework and changes nothing else a user can observe."""
import json
import os
import subprocess
import sys

import pytest


def run(code):
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


REPORT = ("import sys, json; print(json.dumps(sorted("
          "m for m in ('mxnet', 'torch', 'd2l', 'd2lzh') if m in sys.modules)))")


@pytest.mark.parametrize('statement, loaded', [
    ('import d2l_compat; import d2l_compat.core, d2l_compat.data, d2l_compat.animator', []),
    ('from d2l_compat import *', []),
    ('from d2l_compat import torch as d2l', ['torch']),
    ('from d2l_compat import mxnet as d2l', ['mxnet']),
])
def test_each_module_loads_only_its_framework(statement, loaded):
    assert run(f'{statement}\n{REPORT}') == loaded


SNAPSHOT = '''
import os, sys
def snapshot():
    torch = sys.modules.get('torch')
    return {'env': dict(os.environ), 'stderr': os.readlink('/proc/self/fd/2'),
            'stdout': os.readlink('/proc/self/fd/1'),
            'torch_threads': torch.get_num_threads() if torch else None}
'''


@pytest.mark.parametrize('torch_threads', [None, 1])
def test_import_changes_no_environment_threads_or_file_descriptors(backend, torch_threads):
    """Not even MXNet's own import may leave an already-loaded torch on fewer threads."""
    setup = ('import torch; torch.set_num_threads(%d)' % torch_threads if torch_threads
             else 'import torch')
    code = (SNAPSHOT + setup + '\nbefore = snapshot()\n'
            f'from d2l_compat import {backend} as d2l\n'
            'import json; print(json.dumps([before, snapshot()]))')
    before, after = run(code)
    assert after == before


def test_mxnet_engine_is_left_to_mxnet():
    code = ('import os\nfrom d2l_compat import mxnet as d2l\nimport json\n'
            'print(json.dumps(os.environ.get("MXNET_ENGINE_TYPE")))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True, env={k: v for k, v in os.environ.items()
                                          if k != 'MXNET_ENGINE_TYPE'})
    assert json.loads(out.stdout.strip().splitlines()[-1]) is None
    assert 'NaiveEngine' not in out.stderr


# The smallest net each backend trains (MXNet: Gluon infers the input size).
NET = {'mxnet': 'from mxnet.gluon import nn\nnet = nn.Sequential()\nnet.add(nn.Dense(10))\n',
       'torch': 'from torch import nn\nnet = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\n'}


def test_a_headless_train_ch6_never_imports_matplotlib(backend):
    """matplotlib's first import would be charged to the run; with 'off' nothing is drawn."""
    code = (f'import json, sys\nimport numpy as np\nfrom d2l_compat import {backend} as d2l\n'
            'images = np.random.default_rng(0).integers(0, 256, (64, 28, 28), dtype=np.uint8)\n'
            'train = d2l.DataLoader(images, np.arange(64) % 10, 32, shuffle=True)\n'
            + NET[backend] +
            'd2l.train_ch6(net, train, train, 1, 0.1, d2l.cpu())\n'
            'print(json.dumps("matplotlib" in sys.modules))')
    env = {**os.environ, 'D2L_ANIMATOR': 'off'}
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True, env=env)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
