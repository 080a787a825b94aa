"""The names of plotting calls (matplotlib, pandas, seaborn), in one table.

Three decisions read it: a cell ending in one keeps it as a statement (its value is a
list of artists nobody reads), a cell that draws has figures to save when it ends
(Jupyter shows and closes them), and a cell that only plots is a "plots" step.
"""

from __future__ import annotations

#: Calls that draw a figure, or make the figure or axes drawn on.
# fmt: off
DRAWING_CALLS = frozenset(
    {
        "plot", "hist", "scatter", "bar", "barh", "pie", "boxplot", "imshow",
        "matshow", "contour", "contourf", "fill_between", "errorbar", "stem", "heatmap",
        "countplot", "barplot", "violinplot", "distplot", "histplot", "kdeplot",
        "lineplot", "scatterplot", "pairplot", "jointplot", "regplot", "lmplot",
        "catplot", "relplot", "displot", "stripplot", "swarmplot", "pointplot",
        "clustermap", "subplots", "figure", "add_subplot", "plot_tree",
        "scatter_matrix", "spy", "loglog", "semilogx", "semilogy", "hexbin",
    }
)
#: Calls that label, lay out, style or show a figure without drawing data on it (they
#: return None: a cell ending in one shows nothing).
FIGURE_CALLS = frozenset(
    {
        "show", "axhline", "axvline", "text", "annotate", "legend", "title",
        "suptitle", "xlabel", "ylabel", "xlim", "ylim", "xticks", "yticks", "grid",
        "axis", "tight_layout", "subplots_adjust", "colorbar", "set_title",
        "set_xlabel", "set_ylabel", "set_xlim", "set_ylim", "set_xticks",
        "set_yticks", "set_xticklabels", "set_yticklabels", "set", "set_style",
        "set_theme", "set_context", "set_palette", "set_axis_off", "set_axis_on",
        "set_aspect", "set_facecolor", "set_xscale", "set_yscale", "set_zlabel",
        "set_zlim", "set_zticks", "set_frame_on", "set_size_inches", "tick_params",
        "invert_xaxis", "invert_yaxis", "margins", "view_init", "label_outer",
    }
)
# fmt: on
PLOTTING_CALLS = DRAWING_CALLS | FIGURE_CALLS
#: Drawing calls whose name means something else too (a stemmer's `stem`): no sign
#: that a cell is about plotting.
SHARED_NAMES = frozenset({"stem"})
