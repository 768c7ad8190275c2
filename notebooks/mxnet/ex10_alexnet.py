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
# # 练习 10：AlexNet 与 LeNet · MXNet
#
# 种子文档 002（课程幻灯片）的最后一个问题：用 AlexNet 做 LeNet 的 Fashion-MNIST 分类，两者结果如何？
# 幻灯片的 AlexNet：第一层 11×11、步幅 4，通道 64/192/384/256/256，三次 3×3、步幅 2 的最大池化，
# 两个 4096 的全连接层前各有一个 Dropout(0.5)，输入改为 1 个通道；图片放大到 224×224。
# 训练配方照新版教材第 7.1 节的 AlexNet：`train_ch6`（Xavier）、lr 0.01、批量 128、10 轮。
# 幻灯片的预处理除了放大到 224×224，还有 `Normalize((0.5,), (0.5,))`（像素从 [0, 1] 移到 [−1, 1]）。
# 这里不用它：第 7.1 节的配方不归一化，而且 AlexNet 和作对照的 LeNet-224 要吃同一份数据；幻灯片的
# 归一化加载器和训练循环在练习 11 里单独测。
#
# **运行配置。** AlexNet 每个样本的乘加次数是 LeNet 的 1592 倍（下面的代价单元格打印）。所以本笔记本在
# 封顶配置下运行：`D2L_MAX_TRAIN_EXAMPLES=512`、`D2L_MAX_TEST_EXAMPLES=256`、`D2L_MAX_EPOCHS=2`
# （`d2l_lenet/recipes.py` 的 `CAPPED`；`make run`、`make test` 与条带都用这个配置）。这样的运行
# 只能说明代码能跑，**测不出** AlexNet 训练完成后的准确率。封顶在下面第一个代码单元格里设定，在 Jupyter 里打开也一样；`FULL_RUN = True` 按完整配方训练（单元格打印 CPU 上实测的预计时间）。准确率的比较在后面“完整数据”一节：
# 在一块 GPU 上按配方完整训练的记录（只有 PyTorch），以及这台 CPU 上 MXNet 的 1–2 轮，由单元格读出并打印。
# 配对的 PyTorch 笔记本结构相同。

# %%
from d2l_compat import mxnet as d2l
from d2l_compat import bands, config
import pathlib
from mxnet import nd
from mxnet.gluon import nn

FULL_RUN = False  # 封顶是默认（在 Jupyter 里打开也一样；make test 设的封顶原样保留）；True 按完整配方训练
profile = config.cap_runs(FULL_RUN, max_train_examples=512, max_test_examples=256, max_epochs=2)
SEED = 0
d2l.set_seed(SEED)
print('运行配置:', profile)
B = 'mxnet'
print('完整运行（FULL_RUN = True）预计：')
from d2l_compat.core import load_records
GPU_RECORDS = load_records(str(pathlib.Path(bands.__file__).resolve().parents[1]
                               / 'results' / 'gpu-h100' / 'recipe-runs.jsonl'))  # 借来的 H100 上的完整运行
bands.full_run_estimate([(f'ex10-alexnet/{B}', 10), (f'ex10-lenet224/{B}', 10)], gpu_records=GPU_RECORDS)

# %% [markdown]
# ## 幻灯片的 AlexNet（单通道输入）
#
# 网络定义在下面这一个单元格里（`d2l_lenet/recipes.py` 的条带运行也从这里取）。另一个函数 `lenet224()`
# 是配方 `ex10-lenet224` 的网络：书里的 LeNet（v2）改成 224×224 输入，两次池化后是 16 × 54 × 54，
# 只有第一个全连接层的输入个数变了，供 AlexNet 与 LeNet 在同样的输入上比较。形状另用一个网络实例检查。

# %% tags=["net"]
from mxnet.gluon import nn


def alexnet():
    """The slides' AlexNet: one input channel, 224x224, dropout 0.5 before each hidden dense layer."""
    net = nn.Sequential()
    net.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Conv2D(192, kernel_size=5, padding=2, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Conv2D(384, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
            nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'),
            nn.MaxPool2D(pool_size=3, strides=2),
            nn.Dropout(0.5), nn.Dense(4096, activation='relu'),
            nn.Dropout(0.5), nn.Dense(4096, activation='relu'),
            nn.Dense(10))
    return net


def lenet224():
    """The book's LeNet (v2) on a 224x224 input: Gluon infers the first dense layer's 16*54*54 inputs."""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),  # 224 -> 224 -> 112 -> 108 -> 54: 16*54*54 inputs
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    return net


# %%
# NBVAL_CHECK_OUTPUT
alex = alexnet()
alex.initialize()
X = nd.zeros(shape=(1, 1, 224, 224))
for layer in alex:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)

print('lenet224():')
small = lenet224()
small.initialize()
X = nd.zeros(shape=(1, 1, 224, 224))
for layer in small:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)

# %% [markdown]
# ## 代价：参数个数与每个样本的乘加次数

# %%
# NBVAL_CHECK_OUTPUT
lenet = nn.Sequential()
lenet.add(nn.Conv2D(channels=6, kernel_size=5, padding=2, activation='sigmoid'),
          nn.AvgPool2D(pool_size=2, strides=2),
          nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
          nn.AvgPool2D(pool_size=2, strides=2),
          nn.Dense(120, activation='sigmoid'),
          nn.Dense(84, activation='sigmoid'),
          nn.Dense(10))
lenet.initialize()


def params_and_macs(net, shape):
    """(参数个数, 每个样本的乘加次数)，逐层前向推出形状。"""
    X, macs = nd.zeros(shape), 0
    for layer in net:
        Y = layer(X)
        if isinstance(layer, nn.Conv2D):
            macs += Y[0].size * layer.weight.data()[0].size
        elif isinstance(layer, nn.Dense):
            macs += layer.weight.data().size
        X = Y
    return sum(p.data().size for p in net.collect_params().values()), macs


cost = {'LeNet (28×28)': params_and_macs(lenet, (1, 1, 28, 28)),
        'AlexNet (224×224)': params_and_macs(alex, (1, 1, 224, 224))}
for name, (params, macs) in cost.items():
    print(f'{name:<18} 参数 {params:>11,}  乘加/样本 {macs:>13,}')
(p_lenet, m_lenet), (p_alex, m_alex) = cost.values()
print(f'AlexNet / LeNet: 参数 {p_alex / p_lenet:.0f} 倍, 乘加 {m_alex / m_lenet:.0f} 倍')

# %% [markdown]
# 作对照的 LeNet-224（下面“同样的输入和预算”一节）按同样的方法算：

# %%
net224 = lenet224()
net224.initialize()
p224, m224 = params_and_macs(net224, (1, 1, 224, 224))
print(f'{"LeNet-224 (224×224)":<18} 参数 {p224:>11,}  乘加/样本 {m224:>13,}')
print(f'AlexNet / LeNet-224: 参数 {p_alex / p224:.0f} 倍, 乘加 {m_alex / m224:.0f} 倍')

# %% [markdown]
# ## 训练（封顶配置）
#
# 封顶配置下只训练 2 轮、每轮 512 个样本（批量 128）。这里用种子 0 新建网络，与
# `d2l_lenet/measure.py` 里种子 0 的运行做同一件事（下面打印与它的差），再与 5 个种子的条带比较。

# %%
d2l.set_seed(SEED)  # 与条带里种子 0 的那次运行是同一个计算：新建网络、读数据、训练
net = alexnet()
train_iter, test_iter = d2l.load_data_fashion_mnist(128, resize=224)
record = d2l.train_ch6(net, train_iter, test_iter, 10, 0.01, d2l.try_gpu(),
                       recipe='ex10-alexnet')

# %%
bands.check(record)

# %% [markdown]
# ## 同样的输入和预算：LeNet 放大到 224×224（`ex10-lenet224`）
#
# 为了让 AlexNet 有一个可比的对照，LeNet（v2）也吃 224×224 的输入、同样的封顶配置、同样的批量和轮数，
# 只有学习率用书中 LeNet 的 0.9。同样用种子 0 新建网络，与条带里种子 0 的运行是同一个计算。

# %%
d2l.set_seed(SEED)
net = lenet224()
train_iter, test_iter = d2l.load_data_fashion_mnist(128, resize=224)
record224 = d2l.train_ch6(net, train_iter, test_iter, 10, 0.9, d2l.try_gpu(),
                          recipe='ex10-lenet224')

# %%
bands.check(record224)

# %% [markdown]
# ## 准确率
#
# 封顶配置下两个网络的 5 个种子（同样的 2 × 512 个训练样本），再列上 LeNet 配方 v2 在完整数据上的
# 条带（键里没有封顶标记：完整数据、10 轮）：它与前几行**不可比**，列在一起只是为了说明这一点。
# 耗时随机器和负载变化，不放进比对的输出；代价在这里用上面打印的参数和乘加次数表示。

# %%
bands.summary(['ex10-alexnet/mxnet', 'ex10-lenet224/mxnet', 'ex10-alexnet/torch',
               'ex10-lenet224/torch', 'lenet-v2/mxnet@full', 'lenet-v2/torch@full'])
SAME_BUDGET = {backend: bands.compare(f'ex10-alexnet/{backend}', f'ex10-lenet224/{backend}')
               for backend in ('mxnet', 'torch')}

# %% [markdown]
# 结论要用的事实：每个网络、每个框架 5 个种子里测试准确率最高的一个，与完整训练的 LeNet 最差的种子比。

# %%
for backend in ('mxnet', 'torch'):
    full = min(bands.values(f'lenet-v2/{backend}@full'))
    for recipe in ('ex10-alexnet', 'ex10-lenet224'):
        best = max(bands.values(f'{recipe}/{backend}'))
        print(f'{recipe}/{backend}: 5 个种子中最高的测试准确率 {best:.4f}；'
              f'完整训练的 lenet-v2 最差的种子 {full:.4f}')
        assert best < full
assert all(c.overlap for c in SAME_BUDGET.values())

# %% [markdown]
# ## 完整数据：在一块 GPU 上（只有 PyTorch）
#
# 封顶配置回答不了幻灯片的问题；在这台 2 核 CPU 上按配方完整训练 10 轮太贵（代价见上面打印的乘加次数，
# 这台 CPU 上只量了 MXNet 的 1 到 2 轮，见下一节）。在一块借来的 NVIDIA H100 上，两个配方按配方在完整数据上训练了 10 轮，各 3 个种子
# （`python -m d2l_lenet.recipes ex10-alexnet torch SEED`，记录在 `results/gpu-h100/recipe-runs.jsonl`）。
# 每个种子一个进程，先训练 AlexNet、再训练 LeNet-224，三个进程同时运行：每个运行都与另外两个种子的
# 同一个网络共享那块 GPU（下面打印每个运行的开始时间），所以秒数是共享 GPU 时的耗时。
# 那台机器上没有 MXNet，所以 MXNet 笔记本打印的也是这同一份 PyTorch 记录。下面的单元格读这份记录，
# 打印每个种子逐轮的测试准确率和累计耗时，并画出测试准确率对累计耗时的曲线。

# %%
import io
import itertools
import pathlib
import statistics

from IPython.display import Image, display
from matplotlib.figure import Figure
from d2l_compat.core import load_records

GPU_RUNS = pathlib.Path(bands.__file__).resolve().parents[1] / 'results' / 'gpu-h100' / 'recipe-runs.jsonl'
FULL = {recipe: sorted((r for r in load_records(str(GPU_RUNS)) if r.recipe == recipe),
                       key=lambda r: r.seed) for recipe in ('ex10-alexnet', 'ex10-lenet224')}
fig = Figure(figsize=(7, 4), layout='constrained')
ax = fig.subplots()
for (recipe, runs), color in zip(FULL.items(), ('tab:red', 'tab:blue')):
    print(f'{recipe}（{runs[0].device}，{runs[0].host["cpu"]}）')
    for r in runs:
        elapsed = list(itertools.accumulate(e['seconds'] for e in r.epochs))
        accs = [e['test_acc'] for e in r.epochs]
        print(f'  种子 {r.seed}: 开始于 {r.started[11:19]}；逐轮测试准确率 '
              + ' '.join(f'{a:.3f}' for a in accs) + f'；10 轮共 {elapsed[-1]:.0f} s')
        ax.plot(elapsed, accs, 'o-', color=color, alpha=0.7,
                label=recipe if r is runs[0] else None)
ax.set_xlabel('cumulative training + evaluation time on the GPU (s)')
ax.set_ylabel('test accuracy')
ax.set_title('ex10 on the full data (PyTorch, H100, 3 seeds each)')
ax.grid(True)
ax.legend()
buffer = io.BytesIO()
fig.savefig(buffer, format='png', dpi=100)
display(Image(buffer.getvalue()))

# %% [markdown]
# 结论要用的数：每个网络 3 个种子最终测试准确率的均值和范围、每个种子停在瞎猜水平（测试准确率 0.1）的
# 轮数、每轮的平均耗时；两个网络的种子范围是否重叠。

# %%
for recipe, runs in FULL.items():
    finals = [r.test_acc for r in runs]
    chance = [sum(e['test_acc'] == 0.1 for e in r.epochs) for r in runs]
    per_epoch = statistics.mean(e['seconds'] for r in runs for e in r.epochs)
    print(f'{recipe}: 最终测试准确率 {bands.spread(finals)}；停在 0.1 的轮数 {chance}；'
          f'每轮平均 {per_epoch:.1f} s')
alex = [r.test_acc for r in FULL['ex10-alexnet']]
lenet = [r.test_acc for r in FULL['ex10-lenet224']]
print('AlexNet 最差的种子高于 LeNet-224 最好的种子:', min(alex) > max(lenet),
      f'（差 {min(alex) - max(lenet):.4f}）')
assert min(alex) > max(lenet)
budget = min(sum(e['seconds'] for e in r.epochs) for r in FULL['ex10-lenet224'])
reached = [[a for t, a in zip(itertools.accumulate(e['seconds'] for e in r.epochs),
                              (e['test_acc'] for e in r.epochs)) if t <= budget][-1]
           for r in FULL['ex10-alexnet']]  # 到这个时刻为止最后完成的一轮
lenet_best = max(e['test_acc'] for r in FULL['ex10-lenet224'] for e in r.epochs)
print(f'最快的 LeNet-224 运行 10 轮用了 {budget:.0f} s；到这个时刻 AlexNet 各种子最后完成的一轮的测试准确率 '
      + ' '.join(f'{a:.4f}' for a in reached) + f'；LeNet-224 任何种子任何一轮的最高测试准确率 {lenet_best:.4f}')
assert min(reached) > lenet_best
alex_s, lenet_s = (statistics.mean(e['seconds'] for r in FULL[k] for e in r.epochs) for k in FULL)
print(f'每轮耗时 AlexNet / LeNet-224: {alex_s / lenet_s:.2f} 倍（乘加是 {m_alex / m224:.0f} 倍）')
assert 1 < alex_s / lenet_s < 2  # AlexNet 每轮稍慢
assert all(e['test_acc'] > 0.1 for r in FULL['ex10-alexnet'] for e in r.epochs)
assert all(r.epochs[0]['test_acc'] == 0.1 for r in FULL['ex10-lenet224'])

# %% [markdown]
# ## 完整数据：在这台 CPU 上（只有 MXNet，种子 0）
#
# 同一个问题也在这台 2 核 CPU 上用 MXNet 量了一次：AlexNet 在完整数据上训练 1 轮，LeNet-224 训练 2 轮
# （种子 0、1 个线程，两个运行同时跑；`d2l_lenet/measure.py`，结果在 `d2l_compat/bands.json`，键
# `ex10-alexnet/mxnet@epochs1` 和 `ex10-lenet224/mxnet@epochs2`）。下面打印每一轮结束时的累计耗时（按每轮
# 的平均耗时算）和测试准确率，以及 LeNet-224 的两轮是否没有超过 AlexNet 一轮的时间。

# %%
CPU_FULL = {}
for key in ('ex10-alexnet/mxnet@epochs1', 'ex10-lenet224/mxnet@epochs2'):
    entry = bands.load()['bands'][key]
    (run,) = entry['runs']
    CPU_FULL[key] = run
    print(f'{key}（{run["host"]["cpu"]}，{run["host"]["threads"]} 个线程，种子 {run["seed"]}）: '
          + '；'.join(f'第 {k} 轮结束于约 {k * run["seconds_per_epoch"]:.0f} s，测试准确率 {e["test_acc"]:.4f}'
                     for k, e in enumerate(run['epochs'], 1)))
    print(f'  测量命令: {entry["produced_by"]}')
alex_cpu, lenet_cpu = CPU_FULL.values()
print('LeNet-224 两轮的耗时不超过 AlexNet 一轮:',
      2 * lenet_cpu['seconds_per_epoch'] <= alex_cpu['seconds_per_epoch'])
assert 2 * lenet_cpu['seconds_per_epoch'] <= alex_cpu['seconds_per_epoch']
assert alex_cpu['test_acc'] > 0.5 and all(e['test_acc'] == 0.1 for e in lenet_cpu['epochs'])

# %% [markdown]
# ## 结论
#
# - **代价。** AlexNet（224×224 输入）有 57,029,322 个参数、每个样本 663,282,240 次乘加，分别是
#   LeNet（28×28）的 924 倍和 1592 倍；作对照的 LeNet-224 的乘加是 AlexNet 的约 1/16（上面打印）。
# - **在这个封顶配置下，AlexNet 和同样输入的 LeNet 分不出高下**：AlexNet 的平均测试准确率高一些
#   （MXNet +0.0344，PyTorch +0.0250），但两个框架上两者 5 个种子的范围都重叠（上面打印并断言）；
#   两个网络每个种子的测试准确率（最高 0.1953）都低于完整训练的 LeNet 最差的种子（MXNet 0.7926，
#   PyTorch 0.8019；上面打印并断言），即训练远没有完成。
# - **在完整数据上（PyTorch，一块 H100，各 3 个种子，10 轮），AlexNet 的每个种子都比 LeNet-224 好，但
#   差得很少。** AlexNet 的最终测试准确率 0.8722 ± 0.0074 [0.8660, 0.8804]，LeNet-224 0.8518 ± 0.0118
#   [0.8423, 0.8650]：AlexNet 最差的种子只比 LeNet-224 最好的种子高 0.0010（打印并断言），3 个种子撑不起
#   更强的说法。LeNet-224 每个种子开头都有 1–3 轮停在 0.1（瞎猜），AlexNet 一轮也没有（打印并断言）；
#   LeNet-224 用的是书中 LeNet 的 lr 0.9，没有为 224×224 的输入调过，这几轮停滞有多少来自学习率，
#   这里没有测。
# - **按墙钟时间比也一样。** 在 GPU 上 AlexNet 每轮只比 LeNet-224 慢一点（打印的倍数远小于乘加的倍数），
#   在最快的 LeNet-224 运行跑完 10 轮的时刻（91 s），每个 AlexNet 运行最后完成的一轮的测试准确率已经高于
#   LeNet-224 任何种子任何一轮的最高值（打印并断言；曲线见上）。这是 PyTorch 在 GPU 上的结果。
# - **在这台 CPU 上（MXNet，种子 0，各一次）结论方向相同。** AlexNet 训练 1 轮（约 1127 s）后测试准确率
#   0.7417；LeNet-224 在不超过这个时间的 2 轮（约 954 s）里一直停在 0.1000（打印并断言）。只有一个种子，
#   而 GPU 上 LeNet-224 的种子也要 1–3 轮才离开 0.1，所以这只说明在这个预算内 AlexNet 先学起来；训练满
#   10 轮后两者差多少，只有上面 GPU 上的 PyTorch 数字。
