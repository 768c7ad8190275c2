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
# # MXNet 与 PyTorch 对照：差距来自框架数值，还是种子噪声？
#
# 两个框架各跑一次得到的准确率总有差别。这个笔记本回答差别从哪里来，用两类证据：
#
# - **同起点运行**（`make samestart` 写入 `results/samestart.jsonl`）：两个框架从完全相同的初始权重、
#   按相同的批次顺序训练，并记下每一步的损失。这里剩下的差别只能来自框架的数值计算。
# - **多种子运行**（`d2l_compat/bands.json`）：同一框架只换随机种子，准确率能变动多少。
#
# 先给出结论和汇总表，再逐个配方列出笔记本运行的结果、种子分布、同起点的数字和图。
# 训练记录取自被检验的那次运行：设置了 `D2L_RESULTS` 时用它指向的文件（`make test` 会设置），
# 否则用 `make run` 写下的 `results/runs.jsonl`。同样的报告由 `make compare` 写入
# `reports/compare.md`（那里还有每轮耗时）；这里在临时目录中重新生成，不改动仓库文件。

# %%
import os
import pathlib
import tempfile

from IPython.display import Image, Markdown, display

from d2l_lenet import report

results = pathlib.Path('..') / 'results'
records = os.environ.get('D2L_RESULTS') or str(results / 'runs.jsonl')
samestart = str(results / 'samestart.jsonl')
out = pathlib.Path(tempfile.mkdtemp())
report.build(records, str(out), samestart)
rep = report.Report(records, samestart)

# %% [markdown]
# ## 结论与汇总
#
# “first step > 1e-4”是两个框架的损失第一次相差超过 MXNet 损失的万分之一的那一步（从 1 数起），
# “> 1e-2”同理；“never”表示整个训练都没有超过。种子标准差和范围来自 `bands.json` 的多种子运行。
# 这里和下一节里笔记本运行的数字来自刚刚运行的那些笔记本（`make test` 下就是测试时的运行），
# 每个都已在它自己的笔记本里检查过；所以这两个单元格标了 `numbers-vary`，测试只比较数字之外的文字
# （例如每个运行的检查结论）。

# %% tags=["numbers-vary"]
display(Markdown(rep.verdict()))
display(Markdown(rep.summary()))

# %% [markdown]
# ## 逐个配方
#
# 每个配方先打印两个框架笔记本运行的最终损失与准确率（以及二者之差的绝对值）和区间判定，
# 再给出多种子的均值 ± 标准差 [最小, 最大] 和同起点运行的数字。
# 图的左边是每一步损失的相对差（对数坐标）：黑线是同起点的 MXNet 对 PyTorch，
# 虚线是同一框架种子 0 对种子 1；右边是每轮的测试准确率，阴影是各框架多个种子的最小–最大范围。
# 每轮耗时随机器负载变化，只写在 `reports/compare.md` 里。

# %% tags=["numbers-vary"]
for recipe in rep.recipes:
    display(Markdown(f'### {recipe}'))
    print('\n'.join(report.run_lines(rep.runs.get(recipe, {}))))
    display(Markdown(report.seed_table(recipe, rep.bands, rep.caps(recipe)) + '\n\n'
                     + rep.samestart_text(recipe)))
    display(Image(filename=str(out / f'{recipe}.png')))

# %% [markdown]
# ## 有意保留的差异
#
# 下面这些差异是照书复现时有意保留的；能用同起点运行量出影响的，都附上了数字。

# %%
display(Markdown(rep.known_differences()))
