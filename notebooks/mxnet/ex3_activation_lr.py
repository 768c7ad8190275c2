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
# # 练习 3：激活函数 × 学习率 · MXNet
#
# 种子文档 000 里，同一位同学把配方 v1 的 sigmoid 全部换成 ReLU、学习率仍为 0.9：5 轮里损失一直是
# 2.3036，训练和测试准确率都停在 10%（等于瞎猜）。把学习率降到 0.01 后 ReLU 网络正常训练，测试准确率
# 0.761。这里先复现这两次运行，再用每一步的损失、梯度和“死”单元的比例解释原因，最后在
# lr ∈ {0.01, 0.03, 0.1, 0.3, 0.9} 上扫描 sigmoid 与 ReLU。配对的 PyTorch 笔记本结构相同。

# %%
import contextlib
import io
import math

from d2l_compat import mxnet as d2l
from d2l_compat import bands
from d2l_compat.animator import Animator
from mxnet import autograd, gluon, init
from mxnet.gluon import loss as gloss

SEED = 0
d2l.set_seed(SEED)
batch_size, num_epochs = 256, 5
ctx = d2l.try_gpu()

# %% tags=["net"]
from mxnet.gluon import nn


def lenet_v1(activation):
    """配方 v1 的 LeNet，激活函数可换（'sigmoid' 或 'relu'）。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, activation=activation),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation=activation),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation=activation),
            nn.Dense(84, activation=activation),
            nn.Dense(10))
    return net

# %% [markdown]
# ## ReLU，学习率 0.9

# %%
d2l.set_seed(SEED)
relu_net = lenet_v1('relu')
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
relu_net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(relu_net.collect_params(), 'sgd', {'learning_rate': 0.9})
record = d2l.train_ch5(relu_net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                       recipe='ex3-relu-lr0.9')

# %%
bands.check(record)

# %% [markdown]
# ## 为什么停在 10%：逐步看损失、梯度和死单元
#
# 按上面那次运行的步骤从同一个种子重来（同样的初始参数、同样的批量顺序），用 lr 0.9 手动走前 60 步，
# 记录每一步的平均损失、全部参数梯度的 2 范数，以及各层“死”单元的比例：在整个批量上输出全为 0 的
# ReLU 单元（对卷积层按每个通道的每个位置计）。死单元的梯度恒为 0；
# 一旦某一整层全部死亡，网络的输出就与输入无关。

# %%
def dead_fraction(a):
    units = a.reshape((a.shape[0], -1))
    dead = int((units.sum(axis=0) == 0).sum().asscalar())  # 计数后再除：比例恰好为 1.0 时不受舍入影响
    return dead / units.shape[1]


d2l.set_seed(SEED)  # 与上面的配方运行相同的步骤：同样的初始参数、同样的批量顺序
net = lenet_v1('relu')
steps_iter, _ = d2l.load_data_fashion_mnist(batch_size)
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
loss = gloss.SoftmaxCrossEntropyLoss()
for i, (X, y) in zip(range(60), steps_iter):
    with autograd.record():
        out, acts = X, []
        for layer in net:
            out = layer(out)
            acts.append(out)
        l = loss(out, y).mean()
    l.backward()
    grad_norm = math.sqrt(sum((p.grad() ** 2).sum().asscalar()
                              for p in net.collect_params().values()))
    dead = [dead_fraction(acts[k]) for k in (0, 2, 4, 5)]
    trainer.step(1)  # l 已是批量平均，与 train_ch5 中 step(batch_size) 对求和损失等价
    if i < 8 or i % 10 == 9:
        print(f'step {i + 1:2d}  loss {l.asscalar():.4f}  grad norm {grad_norm:8.2f}  dead '
              + ' '.join(f'{d:.2f}' for d in dead))

# %% [markdown]
# 训练 5 轮后的网络：在一个测试批量上再数一次各层的死单元。只要有一整层全部死亡，它之后的输出就与
# 输入无关，它之前各层（包括第一层卷积）的梯度恰好为 0，再也无法恢复；所有样本的输出相同，
# 损失停在均匀分布的交叉熵 ln 10 ≈ 2.3026 附近。下面的断言在这一解释不再成立时会报错。

# %%
X, y = next(iter(test_iter))
X, y = X.as_in_context(ctx), y.as_in_context(ctx)
with autograd.record():
    out, acts = X, []
    for layer in relu_net:
        out = layer(out)
        acts.append(out)
    l = loss(out, y).mean()
l.backward()
dead = [dead_fraction(acts[k]) for k in (0, 2, 4, 5)]
conv1_grad = relu_net[0].weight.grad().abs().max().asscalar()
spread = (out.max(axis=0) - out.min(axis=0)).max().asscalar()
print('各层死单元比例（conv1 conv2 fc1 fc2）:', ' '.join(f'{d:.4f}' for d in dead))
print(f'第一层权重梯度的最大绝对值 {conv1_grad:.1e}; 各样本输出的最大差 {spread:.1e}; '
      f'损失 - ln 10 = {l.asscalar() - math.log(10):+.4f}')
assert max(dead) == 1.0 and conv1_grad == 0.0 and spread < 1e-4

# %% [markdown]
# ## ReLU，学习率 0.01

# %%
d2l.set_seed(SEED)
net = lenet_v1('relu')
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01})
record = d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                       recipe='ex3-relu-lr0.01')

# %%
bands.check(record)

# %% [markdown]
# ## 学习率扫描：sigmoid 与 ReLU
#
# 每个组合都按上面配方运行的步骤从种子 0 开始训练 5 轮（配方 v1 的其他设置不变），
# 只打印最终测试准确率。这些单次运行没有测区间，只看趋势。

# %%
lrs = [0.01, 0.03, 0.1, 0.3, 0.9]
sweep = {}
for activation in ('sigmoid', 'relu'):
    for lr in lrs:
        d2l.set_seed(SEED)
        net = lenet_v1(activation)
        train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
        net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
        with contextlib.redirect_stdout(io.StringIO()):  # 只保留最后一行
            rec = d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx,
                                num_epochs)
        sweep[activation, lr] = rec.test_acc
        print(f'{activation:7s} lr {lr:<4}: test acc {rec.test_acc:.4f}')

# %%
animator = Animator(xlabel='learning rate', ylabel='test acc', xscale='log',
                    legend=['sigmoid', 'relu'], xlim=[0.008, 1.1], ylim=[0, 1])
for lr in lrs:
    animator.add(lr, [sweep['sigmoid', lr], sweep['relu', lr]])
animator.show()

# %% [markdown]
# ## 结论
#
# - **复现**：ReLU + lr 0.9 在两个框架的种子 0 上都停在损失 2.3036、准确率 10%，与种子文档 000 一致；
#   5 个种子里 MXNet 5 次全部如此，PyTorch 4 次如此、种子 3 却训练到 0.835。所以 lr 0.9 下的 ReLU
#   不是“一定失败”，而是大多数时候失败。ReLU + lr 0.01 正常训练（测试准确率 MXNet 0.7560 ± 0.0092，
#   PyTorch 0.7580 ± 0.0129，与 sigmoid + lr 0.9 的 0.7508 / 0.7586 相当）。
# - **原因**（看上面逐步打印的数字，而不是猜）：前几步的损失和梯度范数都不大，第 4 步出现一次跳变
#   （MXNet 和 PyTorch 上梯度范数分别为 3.85 和 8.01，损失升到 2.41 和 2.84）；lr 0.9 的这一步之后，
#   第一层卷积有 65%（MXNet）和 35%（PyTorch）的单元立即死亡，此后这一比例基本只升不降，
#   60 步时两个框架都超过 0.8。训练 5 轮后，
#   MXNet 的第二个卷积层和第二个全连接层、PyTorch 的第二个全连接层 100% 死亡，第一层卷积只剩约
#   0.1% 的单元还活着：输出与输入无关（各样本的输出完全相同），第一层的梯度恰好为 0，
#   损失等于均匀分布的交叉熵 ln 10。死掉的 ReLU 没有梯度，所以网络无法自己恢复。sigmoid 的导数
#   处处大于 0，饱和时只是变慢而不会“死”，因此同样的 lr 0.9 对 sigmoid 反而合适。
# - **扫描**（种子 0，5 轮）：sigmoid 在 lr ≤ 0.1 时 5 轮内几乎学不动（0.10–0.12），0.3 时约 0.67，
#   0.9 时约 0.77；ReLU 在 0.01–0.3 都能训练，并随学习率增大而变好（0.3 时 MXNet 0.8605、
#   PyTorch 0.8648，明显好于任何 sigmoid 设置），到 0.9 则崩溃。两种激活函数的合适学习率
#   相差一个数量级以上：换激活函数时必须同时调学习率。
