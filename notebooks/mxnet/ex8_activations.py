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
# # 练习 8：第一层和第二层的激活（套头衫与外套）· MXNet
#
# 新版教材第 6.6 节练习 4：输入不同的图片（例如套头衫和外套）时，LeNet 第一层和第二层的激活是什么样？
# 种子文档 003 的博客用一个**没训练过**的网络只打印了卷积输出的形状。这里先按配方 v1 训练 LeNet
# （配方 `ex8-lenet-v1`：网络和设置与 LeNet 笔记本的 v1 相同，5 轮，结果要落在 5 个种子实测的区间里），
# 再取测试集里第一件套头衫和第一件外套，把两层卷积（经过 sigmoid）的输出画成图，并用余弦相似度
# 量一量：越往后，两件衣服在网络眼里是否越像还是越不像。配对的 PyTorch 笔记本结构相同。

# %%
import io

from d2l_compat import mxnet as d2l
from d2l_compat import bands
from IPython.display import Image, display
from matplotlib.figure import Figure
from mxnet import gluon, init, nd

SEED = 0
d2l.set_seed(SEED)

# %% [markdown]
# ## 训练配方 v1 的 LeNet

# %% tags=["net"]
from mxnet.gluon import nn


def lenet_v1():
    """配方 v1 的 LeNet（5×5 卷积、最大池化、sigmoid）。"""
    net = nn.Sequential()
    net.add(nn.Conv2D(channels=6, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(10))
    return net

# %%
d2l.set_seed(SEED)
net = lenet_v1()
train_iter, test_iter = d2l.load_data_fashion_mnist(256)
ctx = d2l.try_gpu()
net.initialize(force_reinit=True, ctx=ctx, init=init.Xavier())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.9})
record = d2l.train_ch5(net, train_iter, test_iter, 256, trainer, ctx, 5,
                       recipe='ex8-lenet-v1')

# %%
d2l.Animator.from_record(record)

# %%
bands.check(record)

# %% [markdown]
# 这个配方与 LeNet 笔记本的配方 v1（`lenet-v1`）设置相同。下表比较两者各 5 个种子的结果
# （`d2l_compat/bands.json`）：均值之差，以及 5 个种子的取值范围是否重叠。

# %%
bands.summary(['lenet-v1/mxnet', 'ex8-lenet-v1/mxnet', 'lenet-v1/torch', 'ex8-lenet-v1/torch'])
print()
backends = ('mxnet', 'torch')
v1_cmp = {b: bands.compare(f'ex8-lenet-v1/{b}', f'lenet-v1/{b}') for b in backends}
assert all(c.overlap for c in v1_cmp.values())  # 与配方 v1 的范围重叠：是一个普通的 v1 网络

# %% [markdown]
# ## 取一件套头衫和一件外套
#
# 测试集不打乱，所以“第一件”每次都是同一张图。下面打印网络对这两张图给出的全部 10 个类别的概率，
# 以及概率最大的类别（网络的预测）。

# %%
X_test = nd.concat(*[X for X, _ in test_iter], dim=0)
y_test = nd.concat(*[y for _, y in test_iter], dim=0).asnumpy()
names = d2l.get_fashion_mnist_labels(range(10))
picks = [int((y_test == names.index(c)).nonzero()[0][0]) for c in ('pullover', 'coat')]
X = X_test[picks].as_in_context(ctx)  # 网络在哪个设备上，输入就放到哪里
probs = nd.softmax(net(X), axis=1).asnumpy()
print(f'每行一个类别；两列依次是测试集第 {picks[0]} 张（pullover）和第 {picks[1]} 张（coat）的概率')
for j, name in enumerate(names):
    print(f'{name:<12}' + ''.join(f'  p={float(p[j]):.4f}' for p in probs))
predicted, ranks = [], {}
for i, label, p in zip(picks, ('pullover', 'coat'), probs):
    order = sorted(range(10), key=lambda j: -float(p[j]))  # 类别按概率从大到小
    predicted.append(names[order[0]])
    ranks[label] = order.index(names.index(label)) + 1
    print(f'测试集第 {i} 张（标签 {label}）：预测为 {names[order[0]]}，其次是 {names[order[1]]}；'
          f'{label} 的概率排第 {ranks[label]}')

# %% [markdown]
# ## 两层的激活

# %%
layer1 = net[0](X)                 # 卷积 1（含 sigmoid）：6 张 24×24
layer2 = net[2](net[1](layer1))    # 池化 + 卷积 2（含 sigmoid）：16 张 8×8
print('第一层:', tuple(layer1.shape), ' 第二层:', tuple(layer2.shape))


def cosine(a, b):
    return float((a * b).sum().asscalar() / (a.norm() * b.norm()).asscalar())


similarity = {}
for name, acts in [('输入', X), ('第一层', layer1), ('第二层', layer2)]:
    similarity[name] = cosine(acts[0], acts[1])
    print(f'{name}: 套头衫与外套的余弦相似度 {similarity[name]:.4f}')

# %% [markdown]
# 下面三张图分别是输入、第一层和第二层：每一行是一张图（上套头衫、下外套），每一列是一个通道；
# 同一张图里的所有小图用同一个颜色范围（右侧的颜色条），所以颜色可以在通道之间、两件衣服之间直接比较。

# %%

def show_maps(maps, title, scale=1.0):
    """画 maps[r, c]（行：两张图，列：通道）：所有小图共用一个颜色范围（vmin/vmax）和一个颜色条。"""
    rows, cols = maps.shape[:2]
    vmin, vmax = float(maps.min()), float(maps.max())
    fig = Figure(figsize=(cols * scale + 1.5, rows * scale + 0.8), layout='constrained')
    axes = fig.subplots(rows, cols, squeeze=False)
    for r in range(rows):
        for c in range(cols):
            image = axes[r, c].imshow(maps[r, c], cmap='viridis', vmin=vmin, vmax=vmax)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(('pullover', 'coat')[r])
    fig.colorbar(image, ax=axes, shrink=0.9)
    fig.suptitle(title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=100)
    display(Image(buffer.getvalue()))


def to_numpy(a):
    return a.asnumpy()


show_maps(to_numpy(X), 'input (28x28)', scale=2)

# %%
show_maps(to_numpy(layer1), 'layer 1: conv1 + sigmoid, 6 channels (24x24)', scale=1.2)

# %%
show_maps(to_numpy(layer2), 'layer 2: pool + conv2 + sigmoid, 16 channels (8x8)', scale=0.7)

# %%
# 下面结论里的每一句定性说法都由这里的断言检查
coat_probs = probs[1]
assert predicted[0] == 'pullover'                  # 套头衫认对了
assert ranks['coat'] == 3                          # coat 只排第 3
assert predicted[1] == 'pullover'                  # 外套被认成了套头衫
assert abs(float(coat_probs[names.index('pullover')])
           - float(coat_probs[names.index('shirt')])) < 0.01  # shirt 与 pullover 几乎一样
assert similarity['第一层'] > similarity['输入']     # 第一层：两件衣服更像了
assert similarity['第二层'] < similarity['第一层']   # 第二层：又分开一些
assert similarity['第二层'] > similarity['输入']     # 但仍比输入像

# %% [markdown]
# ## 结论
#
# - **套头衫认对了，外套认错了。** 见上面的概率表：第 1 张套头衫概率最大的类别是 pullover；第 6 张外套
#   也被认成了 pullover，而且 shirt 的概率与它几乎一样，coat 只排第 3。套头衫、外套、衬衫都是带袖子的
#   上衣，这可能是认错的原因（这里没有验证）。
# - **第一层：两件衣服反而更像。** 上面打印的余弦相似度从输入到第一层升高。6 个 5×5 卷积核对两件衣服
#   给出怎样的响应，见上面第一层的图。要注意 sigmoid 的输出全为正，这本身就可能抬高余弦相似度
#   （这里没有单独验证），所以跨层比较只能看趋势。
# - **第二层：又分开一些。** 第二层的相似度比第一层低，但仍高于输入。在第二层的图里可以找一找只对
#   其中一件衣服亮的通道。
# - 种子文档 003 只打印了未训练网络的卷积输出形状；上面的图和数字来自训练后的网络。它的测试准确率见
#   训练单元最后一轮的输出；两个框架上，这个配方 5 个种子的测试准确率范围都与 LeNet 笔记本的配方 v1
#   重叠（上面打印的比较），所以这里分析的是一个普通的 v1 网络。
# - **两个框架在这里并不一致。** 以上只是种子 0 下两张图的结果。配对的 PyTorch 笔记本用同一个种子，
#   外套被认成的是 shirt，第二层的相似度低于输入（那里打印并断言）。所以“外套被认成哪一类”和
#   “第二层是否仍比输入像”都不能当作一般结论；两个框架一致的只有：套头衫认对、外套认错且 coat
#   排第 3、第一层比输入更像、第二层比第一层低。
