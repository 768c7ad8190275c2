"""d2l's Animator: one figure updated in place in Jupyter, silent headless, savable as PNG."""
from . import capture, config


class Animator:
    """Plot data incrementally (d2l signature).

    In a Jupyter kernel the figure is shown once and then updated in place through a
    display handle (no clear_output, so nbval sees a single output). With
    D2L_ANIMATOR=final it is shown once, when ``show()`` is called; with 'off' (the
    default outside Jupyter) never. ``save(path)`` writes a PNG in every mode.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear',
                 fmts=('-', 'm--', 'g-.', 'r:'), nrows=1, ncols=1,
                 figsize=(3.5, 2.5)):
        self._layout = (figsize, nrows, ncols)
        self._fig = self._axes = None
        self._labels = (xlabel, ylabel, xlim, ylim, xscale, yscale, legend or [])
        self.X, self.Y, self.fmts = None, None, fmts
        self.mode = config.animator_mode()
        self._handle = None

    # The figure is made when first used: headless runs ('off') never import matplotlib,
    # whose first import would otherwise be charged to the training run.
    @property
    def fig(self):
        self._make_figure()
        return self._fig

    @property
    def axes(self):
        self._make_figure()
        return self._axes

    def _make_figure(self):
        if self._fig is None:
            from matplotlib.figure import Figure  # no pyplot: nothing global, nothing shown twice

            figsize, nrows, ncols = self._layout
            fig = Figure(figsize=figsize)
            axes = fig.subplots(nrows, ncols)
            self._fig, self._axes = fig, [axes] if nrows * ncols == 1 else list(axes.flat)

    def _config_axes(self):
        xlabel, ylabel, xlim, ylim, xscale, yscale, legend = self._labels
        ax = self.axes[0]
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_xscale(xscale)
        ax.set_yscale(yscale)
        if xlim and xlim[0] != xlim[1]:  # a one-epoch run: let matplotlib pick the range
            ax.set_xlim(xlim)
        if ylim:
            ax.set_ylim(ylim)
        if legend:
            ax.legend(legend)
        ax.grid()

    def add(self, x, y):
        """Add one point per series; None in ``y`` skips that series."""
        if not hasattr(y, '__len__'):
            y = [y]
        n = len(y)
        if not hasattr(x, '__len__'):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        capture.animator_added(self, x[0], y)
        self.refresh()

    def refresh(self):
        """Redraw a live figure in place ('final' and 'off' draw once, in show() or save())."""
        if self.mode == 'live':
            self._redraw()
            self._display()

    def _redraw(self):
        self.axes[0].cla()
        for xs, ys, fmt in zip(self.X or [], self.Y or [], self.fmts):
            self.axes[0].plot(xs, ys, fmt)
        self._config_axes()

    def _display(self):
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        if shell is None:  # a plain interpreter: nothing to show on; use save()
            return
        if self._handle is None:
            _register_png(shell)
            self._handle = display(self.fig, display_id=True)
        else:
            self._handle.update(self.fig)

    @classmethod
    def from_record(cls, record):
        """Draw a RunRecord's loss and accuracies per epoch, as train_ch6's Animator does."""
        animator = cls(xlabel='epoch', xlim=[1, max(len(record.epochs), 1)],
                       legend=['train loss', 'train acc', 'test acc'])
        for epoch in record.epochs:
            animator.add(epoch['epoch'], (epoch['loss'], epoch['train_acc'], epoch['test_acc']))
        animator.show()

    def show(self):
        """Show the final figure once (a no-op in 'off' mode)."""
        if self.mode != 'off':
            self._redraw()
            self._display()

    def finish(self):
        """Show the figure once in 'final' mode (live figures are already up to date)."""
        if self.mode == 'final':
            self.show()

    def save(self, path):
        """Write the figure as a PNG file."""
        self._redraw()
        self.fig.savefig(path, format='png', dpi=100, bbox_inches='tight')
        return path


def _register_png(shell):
    """Tell IPython to draw a Figure as PNG (what `%matplotlib inline` does); without pyplot
    nothing else does, and a cell would show only '<Figure ...>'."""
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure
    shell.display_formatter.formatters['image/png'].for_type(
        Figure, lambda fig: print_figure(fig, 'png', bbox_inches='tight'))


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Plot a list of 2-D numpy images in a grid (d2l.show_images); returns the axes."""
    from matplotlib.figure import Figure

    if len(imgs) > num_rows * num_cols:
        raise ValueError(f'show_images: {len(imgs)} images do not fit {num_rows}x{num_cols}')
    fig = Figure(figsize=(num_cols * scale, num_rows * scale))
    axes = fig.subplots(num_rows, num_cols, squeeze=False).flatten()
    for i, ax in enumerate(axes):
        ax.axes.get_xaxis().set_visible(False)
        ax.axes.get_yaxis().set_visible(False)
        if i < len(imgs):
            ax.imshow(imgs[i], cmap='gray')
            if titles:
                ax.set_title(titles[i])
        else:
            ax.set_axis_off()
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None:
        from IPython.display import display
        _register_png(shell)
        display(fig)
    return axes
