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
# # Exercise 15: activations for very different inputs · MXNet
#
# The English edition's §7.6, exercise 5: *What happens to the activations when you feed
# significantly different images into the network (e.g., cats, cars, or even random noise)?*
#
# There are no cats or cars offline, so this notebook uses what is: Fashion-MNIST coats and bags
# (two of the ten classes the net is trained on, a garment and a class that is not one),
# handwritten MNIST digits (another data set altogether, which the net never sees) and uniform
# random noise. The net is trained with §7.6's own recipe
# (`d2l.Trainer`, lr 0.1, batch 128, 10 epochs; recipe `ex15-lenet-en`, held to the band of 5 measured
# seeds; its seed-0 run is not the §7.6 notebook's seed 0, whose layer summary draws random numbers
# before training). Then each kind of input goes through it, and the cells below print how strongly the first
# and second layers respond, how saturated their sigmoids are, how much the second layer's pattern
# looks like the coats', and how sure the output is. The paired PyTorch notebook is the same,
# cell for cell.

# %%
from d2l_compat import mxnet as d2l
from d2l_compat import bands
import numpy as np
from mxnet import autograd, np as mnp, npx
npx.set_np()

SEED = 0

# %% [markdown]
# ## Train §7.6's LeNet with §7.6's recipe

# %% tags=["net"]
from d2l_compat import mxnet as d2l
from mxnet import init
from mxnet.gluon import nn


class LeNet(d2l.Classifier):
    """§7.6's LeNet-5 (sigmoid, average pooling), as the section's cell defines it."""
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential()
        self.net.add(
            nn.Conv2D(channels=6, kernel_size=5, padding=2,
                      activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=5, activation='sigmoid'),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation='sigmoid'),
            nn.Dense(84, activation='sigmoid'),
            nn.Dense(num_classes))
        self.net.initialize(init.Xavier())


def lenet_en(data):
    """The model as §7.6's training cell makes it: LeNet(lr=0.1) (Gluon shapes and
    initialises it on the first batch it sees)."""
    return LeNet(lr=0.1)

# %%
d2l.set_seed(SEED)
data = d2l.FashionMNIST(batch_size=128)
model = lenet_en(data)
trainer = d2l.Trainer(max_epochs=10, num_gpus=1)
trainer.fit(model, data)
record = trainer.record.named('ex15-lenet-en')
bands.check(record, lang='en')

# %% [markdown]
# ## Four kinds of input
#
# Eight images of each: the test set's first eight coats and first eight bags (the test set is not
# shuffled, so they are the same every run), MNIST's first eight test digits, and eight images of
# uniform noise in [0, 1] from a generator seeded with `SEED` (rounded to the 256 grey levels an
# image has).

# %%
def as_input(images):
    """uint8 (n, 28, 28) -> float32 (n, 1, 28, 28) in [0, 1], as the loaders scale them."""
    return mnp.array(images.astype(np.float32)[:, None] / np.float32(255))


def to_numpy(a):
    return a.asnumpy()


names = data.text_labels(range(10))
coats = data.val.images[data.val.labels == names.index('coat')][:8]
bags = data.val.images[data.val.labels == names.index('bag')][:8]
digits, _ = next(iter(d2l.load_data_mnist(batch_size=8)[1]))  # MNIST's first 8 test digits
noise = (np.random.default_rng(SEED).random((8, 28, 28)) * 255).round().astype(np.uint8)
inputs = {'coat': as_input(coats), 'bag': as_input(bags), 'digit': digits,
          'noise': as_input(noise)}
for kind, X in inputs.items():
    print(f'{kind:<6} {tuple(X.shape)}  mean pixel {float(X.mean()):.3f}')

# %% [markdown]
# ## The two layers' activations and the output
#
# Layer 1 and layer 2 are the two convolutions' sigmoid outputs (conv1 with its sigmoid = `model.net[:1]`, conv2 with its sigmoid = `model.net[:3]`). For each
# kind the table prints the mean activation, the share of activations that are saturated (below
# 0.01 or above 0.99, where the sigmoid's slope is under 0.01), the cosine similarity of the kind's
# mean layer-2 pattern to the coats' pattern, the mean probability of the predicted class and the
# class predicted most often.

# %%
with autograd.pause():
    layers = {kind: (model.net[:1](X), model.net[:3](X)) for kind, X in inputs.items()}
    probs = {kind: npx.softmax(model(X), axis=1) for kind, X in inputs.items()}
conv1_bias = to_numpy(model.net[0].bias.data())


def saturated(a):
    a = to_numpy(a)
    return float(((a < 0.01) | (a > 0.99)).mean())


def cosine(a, b):
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


pattern = {kind: to_numpy(l2).mean(axis=0).ravel() for kind, (_, l2) in layers.items()}
stats = {}
print('kind    layer1 mean  saturated  layer2 mean  saturated  like coats  p(top)  most predicted')
for kind, (l1, l2) in layers.items():
    p = to_numpy(probs[kind])
    top = p.argmax(axis=1)
    most = np.bincount(top, minlength=10).argmax()
    stats[kind] = dict(l1=float(to_numpy(l1).mean()), l1_sat=saturated(l1),
                       l2=float(to_numpy(l2).mean()), l2_sat=saturated(l2),
                       like_coats=cosine(pattern[kind], pattern['coat']),
                       p_top=float(p.max(axis=1).mean()), most=names[most],
                       most_n=int((top == most).sum()))
    s = stats[kind]
    print(f"{kind:<6}  {s['l1']:11.3f}  {s['l1_sat']:9.3f}  {s['l2']:11.3f}  {s['l2_sat']:9.3f}"
          f"  {s['like_coats']:10.3f}  {s['p_top']:6.3f}  {s['most']} ({s['most_n']} of 8)")

# %% [markdown]
# The first example of each kind, and its six layer-1 maps (one colour scale for the whole figure):

# %%
from matplotlib.figure import Figure
from IPython.display import display

maps = {kind: to_numpy(l1)[0] for kind, (l1, _) in layers.items()}
fig = Figure(figsize=(9, 6), layout='constrained')
axes = fig.subplots(len(maps), 7, squeeze=False)
for r, (kind, m) in enumerate(maps.items()):
    axes[r, 0].imshow(to_numpy(inputs[kind])[0, 0], cmap='gray', vmin=0, vmax=1)
    axes[r, 0].set_ylabel(kind)
    for c in range(6):
        image = axes[r, c + 1].imshow(m[c], cmap='viridis', vmin=0, vmax=1)
    for ax in axes[r]:
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].set_title('input')
for c in range(6):
    axes[0, c + 1].set_title(f'channel {c}')
fig.colorbar(image, ax=axes, shrink=0.8)
display(fig)

# %%
# Every qualitative sentence of the answer below is checked here.
p_top = {kind: s['p_top'] for kind, s in stats.items()}
assert p_top['noise'] < p_top['digit'] < p_top['coat'] < p_top['bag']  # less sure further out
assert p_top['noise'] > 3 * 0.1  # still far above a uniform guess over 10 classes
assert stats['bag']['most'] == 'bag' and stats['bag']['most_n'] >= 6  # bags: right and sure
assert stats['coat']['most'] == 'pullover'  # the class it gives coats most often
like = {kind: s['like_coats'] for kind, s in stats.items() if kind != 'coat'}
assert min(like, key=like.get) == 'digit'  # digits: the layer-2 pattern least like coats'
assert like['noise'] > like['digit']  # noise looks more like a coat there than digits do
assert stats['noise']['most'] in ('pullover', 'coat')  # and is called a garment
assert min(stats, key=lambda k: stats[k]['l1_sat']) == 'digit'  # digits saturate layer 1 least
at_zero = 1 / (1 + np.exp(-conv1_bias))  # a unit whose 5x5 window is all zeros outputs sigmoid(bias)
print(f'layer 1 on an all-black window: sigmoid(bias) from {at_zero.min():.3f} to {at_zero.max():.3f}')
assert ((at_zero > 0.01) & (at_zero < 0.99)).all()  # not saturated

# %% [markdown]
# ## Answer
#
# (For seed 0; every sentence is asserted in the cell above, on both backends.)
#
# - **The net cannot say "none of these".** Every input gets one of the ten clothing classes, and
#   even for noise the top class's mean probability is more than three times the 0.1 of a uniform
#   guess. A softmax classifier spreads its probability over the classes it knows, whatever
#   comes in.
# - **But it is less sure of what it was not trained on**: in the `p(top)` column, bags (a class it
#   gets right) come first, then coats, then MNIST digits, then
#   noise: the two inputs it was not trained on get a lower top probability than both trained
#   classes. With §7.6's recipe this sigmoid LeNet is still weak after 10 epochs (test accuracy in
#   the training cell's check): the class it gives coats most often is pullover.
# - **In the second layer, digits are the most foreign input**: their mean layer-2 pattern is the
#   least like the coats' (the `like coats` column), less than bags' or even noise's. Noise, a
#   uniform grey on average, produces a layer-2 pattern closer to a garment's than a thin white
#   stroke on black does (cosine similarities of all-positive sigmoid maps are high throughout, so
#   only their order is read here), and the class the net gives noise most often is a garment.
# - **Digits saturate the first layer least** (the first `saturated` column): most of a digit image
#   is black, and a unit whose 5×5 window is all zeros outputs the sigmoid of its bias, which for
#   every first-layer unit lies in the unsaturated middle (printed and asserted).
