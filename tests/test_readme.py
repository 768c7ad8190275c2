"""The README's measured tables are generated from the committed data, and are up to date."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_generated_blocks_are_up_to_date():
    done = subprocess.run([sys.executable, '-m', 'd2l_lenet.readme', '--check'],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_generated_blocks_exist():
    text = (ROOT / 'README.md').read_text()
    for name in ('bands', 'samestart', 'gpu', 'bench'):
        assert f'<!-- generated: {name} -->' in text
