# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: 'Python 3 (d2l: MXNet + PyTorch)'
#     language: python
#     name: d2l-lenet
# ---

# %% [markdown]
# # MXNet 与 PyTorch 对照：逐个配方
#
# 本笔记本读取 `make run` 写下的运行记录（`results/runs.jsonl`）和区间文件中的多种子结果，
# 为每个配方给出两个框架的最终损失、准确率、每轮耗时及其差值，并把逐轮曲线画在一起。
# 同样的内容由 `make compare` 写入 `reports/compare.md`。这里在临时目录中重新生成，不改动仓库文件。

# %%
import pathlib
import re
import tempfile

from IPython.display import Image, Markdown, display

from d2l_compat import report

records = pathlib.Path('..') / 'results' / 'runs.jsonl'
out = pathlib.Path(tempfile.mkdtemp())
text = report.build(str(records), str(out))

# %% [markdown]
# ## 各配方的表格与曲线

# %%
for section in text.split('\n## ')[1:]:
    title = section.splitlines()[0]
    display(Markdown('### ' + re.sub(r'!\[.*?\]\(.*?\)', '', section)))
    png = out / f'{title}.png'
    if png.exists():  # the last section, the known differences, has no figure
        display(Image(filename=str(png)))
