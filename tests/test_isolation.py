"""Importing a backend loads only its own framework; both frameworks keep every core."""
import json
import os
import subprocess
import sys

import pytest


def run(code):
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True, env={**os.environ, 'D2L_NUM_THREADS': ''})
    return json.loads(out.stdout.strip().splitlines()[-1])


REPORT = ("import sys, json; print(json.dumps(sorted("
          "m for m in ('mxnet', 'torch', 'd2l', 'd2lzh') if m in sys.modules)))")


@pytest.mark.parametrize('statement, loaded', [
    ('import d2l_compat; import d2l_compat.core, d2l_compat.data, d2l_compat.animator', []),
    ('from d2l_compat import torch as d2l', ['torch']),
    ('from d2l_compat import mxnet as d2l', ['mxnet']),
])
def test_each_module_loads_only_its_framework(statement, loaded):
    assert run(f'{statement}\n{REPORT}') == loaded


@pytest.mark.parametrize('order', [('torch', 'mxnet'), ('mxnet', 'torch')])
def test_torch_keeps_its_cores_beside_mxnet(order):
    code = (f'from d2l_compat import {order[0]}\nfrom d2l_compat import {order[1]}\n'
            'import torch, os, json; print(json.dumps([torch.get_num_threads(), os.cpu_count()]))')
    threads, cores = run(code)
    assert threads == cores
