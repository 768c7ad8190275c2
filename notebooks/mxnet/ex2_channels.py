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
# # 练习 2：第一层输出通道 6 → 10 · MXNet
#
# 种子文档 000 里，同一位同学把第一个卷积层的输出通道从 6 改成 10，各跑一次（数字由下面第一个代码
# 单元打印），并写道“增加输出通道数通常会提高模型的性能”。这里只改这一处，
# 其余沿用配方 v1，在两个框架上各用 5 个种子检验。配对的 PyTorch 笔记本结构相同。

# %%
from d2l_compat import mxnet as d2l
from d2l_compat import bands
from mxnet import gluon, init, nd

SEED = 0
d2l.set_seed(SEED)
print('种子文档 000（MXNet，单次运行）：10 通道测试准确率 0.771，6 通道测试准确率 0.762')

# %% [markdown]
# ## 模型
#
# 高和宽与 v1 相同（见下面打印的形状），只有第一层多了 4 个通道；第二层卷积的输入通道随之变成 10，
# 参数个数增加 4×(5×5+1)（第一层）+ 16×4×5×5（第二层）个（下面打印本网络的参数个数和这个式子的值）。

# %% tags=["net"]
from mxnet.gluon import nn


def lenet_channels10():
    """配方 v1 的 LeNet，第一层卷积输出 10 个通道。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=10, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    return net

# %%
net = lenet_channels10()
X = nd.random.uniform(shape=(1, 1, 28, 28))
net.initialize()
for layer in net:
    X = layer(X)
    print(layer.name, 'output shape:\t', X.shape)
print('参数个数:', sum(p.data().size for p in net.collect_params().values()))
print('比 6 通道多的参数:', 4 * (5 * 5 + 1) + 16 * 4 * 5 * 5)

# %% [markdown]
# ## 训练

# %%
d2l.set_seed(SEED)
net = lenet_channels10()
batch_size, lr, num_epochs = 256, 0.9, 5
train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
ctx = d2l.try_gpu()
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
record = d2l.train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs,
                       recipe='ex2-channels10')

# %%
d2l.Animator.from_record(record)

# %%
bands.check(record)

# %% [markdown]
# ## 5 个种子的对照
#
# 下表来自 `d2l_compat/bands.json`（`d2l_lenet/measure.py`，种子 0–4，完整数据，每次 1 个线程）：
# 每个配方的最终损失和测试准确率（均值 ± 标准差 [最小, 最大]），然后逐个框架比较两个配方：
# 均值之差，以及 5 个种子的取值范围是否重叠。

# %%
bands.summary(['lenet-v1/mxnet', 'ex2-channels10/mxnet', 'lenet-v1/torch',
               'ex2-channels10/torch'])
print()
backends = ('mxnet', 'torch')
acc_cmp = {b: bands.compare(f'ex2-channels10/{b}', f'lenet-v1/{b}') for b in backends}
loss_cmp = {b: bands.compare(f'ex2-channels10/{b}', f'lenet-v1/{b}', 'loss') for b in backends}

# %% [markdown]
# 是否过拟合：每个种子最后一轮的训练准确率（一轮内边训练边统计的平均值）减去测试准确率，取 5 个种子中
# 的最大值。

# %%
max_gap = {}
for b in backends:
    key = f'ex2-channels10/{b}'
    gaps = [train - test for train, test in zip(bands.values(key, 'train_acc'), bands.values(key))]
    max_gap[b] = max(gaps)
    print(f'{key}: 训练准确率 − 测试准确率，5 个种子中最大 {max_gap[b]:+.4f}（阈值 0.01）')

# %%
# 下面结论里的每一句定性说法都由这里的断言检查
for b in backends:
    assert acc_cmp[b].diff > 0 and loss_cmp[b].diff < 0  # 10 通道的平均测试准确率更高、平均损失更低
    assert acc_cmp[b].overlap                            # 但 5 个种子的测试准确率范围与 6 通道重叠
    assert max_gap[b] < 0.01                             # 没有过拟合的迹象

# %% [markdown]
# ## 结论
#
# 把第一层的输出通道从 6 加到 10，在两个框架上都让均值变好：上面打印的比较里，平均测试准确率更高、
# 平均最终损失更低，方向与种子文档 000 的说法一致。但两个框架上两种设置的 5 个种子的测试准确率范围
# 都相互重叠，所以这 5 个种子还不足以说明提升超出了种子之间的波动；要下结论需要更多种子。
# 代价是上面打印的多出的参数；5 轮内没有过拟合的迹象：每个种子的训练准确率
# 都没有比测试准确率高出 0.01 以上（上面打印的最大差）。
