"""Write the notebooks from this script, so their source is reviewable Python and stays tidy.

python scripts/make_notebooks.py
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / "notebooks"
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
#: Voila renders with our template (explorer/serving/share/...): the lab one minus its CDN links.
VOILA = {"voila": {"template": "explorer"}}

EXPLORER = [
    new_markdown_cell(
        "# Sparse Autoencoder Explorer\n\n"
        "Press **Play** and watch the hidden units' mean activations ρ̂ slide down the KL "
        "curve to its minimum at the target ρ, while the filters turn into edge detectors. "
        "Move **ρ**, **β**, the learning rate or λ at any time: they apply at the next step. "
        "Controls marked ⟲ (data set, hidden units, loss, optimiser, seed) restart training."
    ),
    new_code_cell(
        "from explorer import Explorer\n"
        "from explorer.app.query import from_query\n\n"
        "dashboard = Explorer()\n"
        "# Served by Voila, the page's address sets the start: ?rho=0.05&beta=3&dataset=digits\n"
        "from_query(dashboard)"
    ),
]

COMPARE = [
    new_markdown_cell(
        "# A/B: two sparse autoencoders side by side\n\n"
        "Both runs train on the same data from the same initial weights; each row of plots is "
        "one run. Run B starts with ρ = 0.1 against A's ρ = 0.01: press **Play** and watch "
        "each row's units settle at its own ρ. Each run's ρ, β, penalty, learning rate and λ "
        "can be changed live; try KL against L1, or β = 0 against β = 3. Data set, hidden "
        "units, optimiser and seed are shared and restart both runs.\n\n"
        "In a served dashboard the same page opens with `?mode=compare&a.rho=0.01&b.rho=0.1`."
    ),
    new_code_cell(
        'from explorer.app import Comparison\n\nComparison(a={"rho": 0.01}, b={"rho": 0.1})'
    ),
]

TUTORIAL = [
    new_markdown_cell(
        "# How a sparse autoencoder learns: the math, step by step\n\n"
        "An autoencoder maps an input x to hidden activations h = g(a), a = W₁ᵀx + b₁ (g "
        "the logistic sigmoid, g(a) = 1/(1 + e⁻ᵃ)), and back to a reconstruction "
        "x̂ = f(z_out), z_out = W₂ᵀh + b₂ (f the output's own function, here a sigmoid too). "
        "How well it reconstructs is the loss L, the squared error averaged over the m "
        "training inputs: L = (1/2m) Σ_i ‖x̂_i − x_i‖². A *sparse* autoencoder also asks "
        "every hidden unit to be active only rarely.\n\n"
        "In the code, ρ̂ (the mean activation of section 1) is spelled `rho_hat`."
    ),
    new_code_cell(
        "import numpy as np\n\n"
        "from explorer import SparseAutoencoder, check_gradient, kl_divergence, "
        "kl_divergence_grad\n"
        "from explorer.datasets import load\n\n"
        'data = load("natural-patches", n_samples=10_000, random_state=0)\n'
        "X = data.X\n"
        "X.shape, data.image_shape"
    ),
    new_markdown_cell(
        "## 1. Mean activation ρ̂\n\n"
        "ρ̂_l = (1/m) Σ_i h(x_i)_l is how often unit l fires, averaged over the m training "
        "inputs. It needs the forward pass over the *whole batch* before any gradient."
    ),
    new_code_cell(
        "sae = SparseAutoencoder(n_hidden=25, rho=0.01, beta=3.0, weight_decay=1e-4, "
        "random_state=0)\n"
        "sae.initialize(X.shape[1])\n"
        "rho_hat = sae.transform(X).mean(axis=0)\n"
        'print("mean activations at initialisation:", np.round(rho_hat[:8], 3), "...")'
    ),
    new_markdown_cell(
        "## 2. The KL penalty and its minimum at ρ̂ = ρ\n\n"
        "KL(ρ‖ρ̂) = ρ log(ρ/ρ̂) + (1−ρ) log((1−ρ)/(1−ρ̂)) is 0 exactly when ρ̂ = ρ and grows "
        "on both sides. Move the slider: the minimum follows ρ."
    ),
    new_code_cell(
        "import ipywidgets as widgets\n\n"
        "from explorer.app.board import Board\n"
        "from explorer.figures import VIEWS, snapshot\n"
        "from explorer.training import Session\n\n"
        "# The dashboard's curve panel alone, for an untrained network (its units sit near "
        "rho_hat ≈ 0.5).\n"
        "rho_slider = widgets.FloatLogSlider(\n"
        '    value=0.1, base=10, min=-3, max=-0.3, step=0.01, description="ρ"\n'
        ")\n"
        "# The page redraws the curve for the slider's ρ itself, with no round trip to Python.\n"
        'curve = Board([v for v in VIEWS if v.name == "kl"], max_columns=1).follow(rho_slider)\n'
        'curve.show(snapshot(Session("natural-patches", 2000, 0, rho=0.1)))\n'
        "widgets.VBox([rho_slider, curve])"
    ),
    new_code_cell(
        "rho, grid = 0.1, np.linspace(0.001, 0.999, 999)\n"
        'print("argmin of KL on the grid:", grid[np.argmin(kl_divergence(rho, grid))])\n'
        'print("KL at rho_hat = rho:", kl_divergence(rho, rho))'
    ),
    new_markdown_cell(
        "## 3. Its derivative\n\n"
        "∂KL/∂ρ̂ = −ρ/ρ̂ + (1−ρ)/(1−ρ̂): negative below ρ (the penalty pushes ρ̂ up), zero at "
        "ρ, positive above (pushes it down). Check it against a finite difference:"
    ),
    new_code_cell(
        "r, eps = 0.3, 1e-6\n"
        "numeric = (kl_divergence(rho, r + eps) - kl_divergence(rho, r - eps)) / (2 * eps)\n"
        "numeric, kl_divergence_grad(rho, r)"
    ),
    new_markdown_cell(
        "**In the live board** (section 5), every unit's dot on the penalty curve carries this "
        "slope as a short line along the curve's tangent, pointing downhill: the way the "
        "penalty pushes that unit's ρ̂ (up left of the star, down right of it), longer where "
        "the curve is steeper, nothing at the star. Move ρ and the lines follow the curve."
    ),
    new_markdown_cell(
        "## 4. Where it enters backpropagation: *before* g′\n\n"
        "The objective is L̂ = L + β Σ_l KL(ρ‖ρ̂_l) + (λ/2)‖W‖² (L the reconstruction loss "
        "above, ‖W‖² the sum of the squared weights of W₁ and W₂). Backpropagation carries "
        "errors backwards, one input at a time:\n\n"
        "- the output error δ_out = ∂L/∂z_out = (x̂ − x) ⊙ f′(z_out), how the loss changes "
        "with each output's pre-activation (⊙: element by element; f′ = x̂(1 − x̂) for the "
        "sigmoid output);\n"
        "- the hidden error δ_hidden = ∂L̂/∂a, passed back through W₂ and through the "
        "sigmoid's slope g′(a) = h(1 − h) (the derivative of g, written with its own output "
        "h = g(a)).\n\n"
        "Because ρ̂_l is an average of h_l, the penalty's gradient reaches unit l through "
        "h_l = g(a_l), so it joins the hidden error before the multiplication by g′(a):\n\n"
        "δ_hidden = (W₂ δ_out + β(−ρ/ρ̂ + (1−ρ)/(1−ρ̂))) ⊙ h(1 − h)\n\n"
        "A gradient check compares this analytic gradient with central differences: a wrong "
        "placement of the term would show up as a large relative error."
    ),
    new_code_cell(
        "small = SparseAutoencoder(n_hidden=5, rho=0.1, beta=3.0, random_state=0)\n"
        "small.initialize(X.shape[1])\n"
        'print(f"relative error: {check_gradient(small, X[:20]):.1e}  (must be < 1e-9)")'
    ),
    new_markdown_cell(
        "The same gradient for one unit l, by the chain rule, term by term:\n\n"
        "∂L̂/∂W_:,l = ∂L/∂W_:,l + β·∂Ω/∂ρ̂_l · ∂ρ̂_l/∂W_:,l + λW_:,l,  "
        "∂ρ̂_l/∂W_:,l = (1/m) Σ_i x_i g′(a_il)\n\n"
        "`encoder_gradient` returns each piece, computed by the model's own backward pass: "
        "they add up to the gradient above."
    ),
    new_code_cell(
        "batch = small.check_input(X[:20])\n"
        "pieces, unit = small.encoder_gradient(batch), 0\n"
        'print("dOmega/drho_hat of the unit:", pieces.slope[unit])\n'
        "chain = small.beta * pieces.slope[unit] * pieces.rho_hat_grad[:, unit]\n"
        'print("beta·dOmega/dW by the chain rule:", np.allclose(chain, pieces.sparsity[:, unit]))\n'
        "_, grads = small.loss_and_grad(batch)\n"
        'print("the pieces add up to the gradient:", np.allclose(pieces.total, grads["W1"]))\n'
        "recon = np.linalg.norm(pieces.reconstruction[:, unit])\n"
        "sparse = np.linalg.norm(pieces.sparsity[:, unit])\n"
        'print(f"|dL/dW| = {recon:.3g}, beta |dOmega/dW| = {sparse:.3g}")'
    ),
    new_markdown_cell(
        "**In the live board** (section 5), click a unit (its filter, its bar or its dot): "
        "*Selected unit: ∂L̂/∂W by the chain rule* shows these pieces for it, in this order, "
        "at the step the timeline shows: ∂Ω/∂ρ̂_l as a signed number, then ∂ρ̂_l/∂W_:,l, "
        "β·∂Ω/∂W_:,l, ∂L/∂W_:,l, their sum with λW_:,l (the gradient the optimiser receives) "
        "and the update the optimiser made from it, as images in input space (blue negative, "
        "orange positive; the three forces on one colour scale). *Tug of war* plots every "
        "unit's ‖∂L/∂W_:,l‖ against β‖∂Ω/∂W_:,l‖ with the line where the two balance, and "
        "*Selected unit: the two forces during training* their history. On natural patches "
        "the sparsity force is 50 to 1,000 times the reconstruction force at step 0 (every "
        "ρ̂ ≈ 0.5, far above ρ = 0.01), swings as ρ̂ overshoots ρ over the first few dozen "
        "steps, and from about step 100 the two pull against each other within a few percent: "
        "their sum, the gradient, is then far smaller than either."
    ),
    new_markdown_cell(
        "## 5. Train it and watch\n\n"
        "The dashboard below trains the classic configuration (64-25-64, ρ = 0.01, β = 3, "
        "λ = 1e-4, L-BFGS). Press **Play**. What to look for:\n\n"
        "- the orange dots (one per hidden unit) slide down the KL curve to the star at ρ;\n"
        "- the bars of ρ̂ settle on the dashed target line;\n"
        "- the filters turn into localized, oriented edge detectors within a few hundred "
        "steps;\n"
        "- set **β = 0**: nothing holds ρ̂ near ρ any more, units become busy (ρ̂ climbs "
        "toward 0.5) and the filters lose their edge structure."
    ),
    new_code_cell("from explorer import Explorer\n\napp = Explorer()\napp"),
    new_code_cell(
        "# The same, from code: 50 steps, then the mean activation against ρ.\n"
        "app.step(50)\n"
        'print("step", app.session.n_steps, "mean rho_hat =", app.session.model.rho_hat_.mean())'
    ),
]


def write(path: Path, cells: list) -> None:
    nb = new_notebook(cells=cells, metadata={**KERNEL, **VOILA})
    nbformat.validate(nb)
    nbformat.write(nb, path)


if __name__ == "__main__":
    ROOT.mkdir(exist_ok=True)
    write(ROOT / "explorer.ipynb", EXPLORER)
    write(ROOT / "tutorial.ipynb", TUTORIAL)
    write(ROOT / "compare.ipynb", COMPARE)
    # The same dashboard inside the package, for `python -m explorer serve` from anywhere.
    write(REPO / "explorer" / "serving" / "notebook" / "dashboard.ipynb", EXPLORER)
