"""Register the course's Jupyter kernel inside the venv: "Python 3 (d2l: MXNet + PyTorch)".

    python -m d2l_lenet.install_kernel        (make venv runs it)

The kernel's environment is where the course's CPU settings live, so importing d2l_compat
changes nothing in anyone's process:
- MXNET_ENGINE_TYPE=NaiveEngine (CPU-only MXNet builds): MXNet reads it once, at import,
  and running each operator inline is about twice as fast as the threaded engine for nets
  this small; a GPU build keeps MXNet's default engine.
- capture_fd_output off: what C++ libraries write to file descriptors 1 and 2 (MXNet's
  timestamped engine and oneDNN lines) goes to the Jupyter server's terminal instead of
  into whichever notebook cell happened to trigger it.
"""
import json
import sys
import tempfile

from ipykernel.kernelspec import write_kernel_spec
from jupyter_client.kernelspec import KernelSpecManager

NAME, DISPLAY_NAME = 'd2l-lenet', 'Python 3 (d2l: MXNet + PyTorch)'


def environment():
    """The kernel's extra environment variables."""
    import mxnet  # a CPU-only build has no GPU to keep the threaded engine busy
    return {} if mxnet.context.num_gpus() else {'MXNET_ENGINE_TYPE': 'NaiveEngine'}


def main():
    with tempfile.TemporaryDirectory() as folder:
        path = write_kernel_spec(f'{folder}/{NAME}', overrides={'display_name': DISPLAY_NAME,
                                                    'env': environment()},
                                 extra_arguments=['--IPKernelApp.capture_fd_output=False'])
        destination = KernelSpecManager().install_kernel_spec(path, NAME, prefix=sys.prefix)
    with open(f'{destination}/kernel.json') as f:
        print(f'installed kernel {NAME} in {destination}:', json.dumps(json.load(f)['env']))


if __name__ == '__main__':
    main()
