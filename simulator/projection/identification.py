"""Is the 2017/18 fit of θ identified? The diagnostics ``ibcf calibrate`` prints.

The fit (:func:`simulator.projection.calibration.fit_theta`) predicts each council's
fall as f_i(θ) = lagged_i·D_i·(1 − exp(−θ·m_i/D_i)) (m care bought, £m; D capacity).
The diagnostics refit it by Gauss-Newton without the bound at 0 (a negative θ̂ is shown
as it is; the model's own fit stops at 0), so every variant is the same estimator:

- standard errors: classical, heteroskedasticity-robust (HC1) and clustered by region,
  from the model linearised at θ̂ (regressing r + J·θ̂ on J, J_i = ∂f_i/∂θ, gives θ̂
  back; statsmodels' OLS supplies the covariances);
- a pairs bootstrap that resamples councils and re-estimates the NHS control from the
  resampled councils each time;
- the free common shock: y_raw = α·counterfactual + θ·z, the data choosing the common
  proportional fall instead of imposing the NHS one;
- year on year: the fall against the same months of 2016/17 instead of a forecast from
  March 2017, net of the NHS fall measured the same way;
- the imposed control at 12%, 14% and 16%;
- leaving out one region at a time;
- placebo years: the same design and the same dose (the 2017/18 money) in the years
  2013/14 to 2016/17, when there was no iBCF money;
- the councils that carry most of Σ J·y at θ = 0, i.e. Σ z·y with z_i = lagged_i·m_i
  (their share of it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.projection.calibration import THETA_MAX, ThetaDesign, theta_design
from simulator.projection.response import saturating_response

CONTROLS_PCT = (12.0, 14.0, 16.0)
PLACEBO_ORIGINS = ("2013-03", "2014-03", "2015-03", "2016-03")
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20170401


@dataclass(frozen=True)
class OlsFit:
    """θ̂ of y = θ·z through the origin with three standard errors."""

    theta: float
    se_classical: float
    se_hc1: float
    se_cluster: float
    n: int
    clusters: int


def ols_through_origin(y: np.ndarray, z: np.ndarray, groups: np.ndarray) -> OlsFit:
    """θ̂ = Σzy/Σz² and its classical, HC1 and cluster-robust standard errors, by
    statsmodels (imported here: only the diagnostics need it).

    >>> f = ols_through_origin(np.array([1.0, 2.0, 2.0]), np.array([1.0, 1.0, 2.0]),
    ...                        np.array(["a", "a", "b"]))
    >>> round(f.theta, 6)
    1.166667
    """
    import statsmodels.api as sm

    y = np.asarray(y, dtype=float)
    z = np.asarray(z, dtype=float)[:, None]
    codes = np.unique(np.asarray(groups), return_inverse=True)[1]
    model = sm.OLS(y, z)
    classical = model.fit()
    hc1 = model.fit(cov_type="HC1")
    cluster = model.fit(cov_type="cluster", cov_kwds={"groups": codes})
    return OlsFit(
        theta=float(classical.params[0]),
        se_classical=float(classical.bse[0]),
        se_hc1=float(hc1.bse[0]),
        se_cluster=float(cluster.bse[0]),
        n=len(y),
        clusters=int(codes.max() + 1) if len(codes) else 0,
    )


def _z(d: ThetaDesign) -> np.ndarray:
    """∂f/∂θ at θ = 0: lagged·m."""
    return d.lagged * d.care


def _jacobian(d: ThetaDesign, theta: float, rows: np.ndarray) -> np.ndarray:
    """∂f_i/∂θ = lagged·m·exp(−θ·m/D) (m ≥ 0)."""
    m, cap = d.care[rows], d.capacity[rows]
    return d.lagged[rows] * m * np.exp(-theta * m / cap)


def _predicted(d: ThetaDesign, theta: float, rows: np.ndarray) -> np.ndarray:
    return d.lagged[rows] * saturating_response(d.care[rows], d.capacity[rows], theta)


def fit_unbounded(
    d: ThetaDesign, y: np.ndarray, rows: np.ndarray, extra: np.ndarray | None = None
) -> tuple[float, float]:
    """(θ, α) minimising Σ (y − f(θ) − α·extra)² over ``rows`` by Gauss-Newton, from
    the linear fit (α = 0 without ``extra``)."""
    y = y[rows]
    cols = [_z(d)[rows]] + ([extra[rows]] if extra is not None else [])
    start = np.linalg.lstsq(np.column_stack(cols), y, rcond=None)[0]
    theta = float(start[0])
    alpha = float(start[1]) if extra is not None else 0.0
    for _ in range(100):
        theta = float(np.clip(theta, -THETA_MAX, THETA_MAX))
        r = y - _predicted(d, theta, rows) - (alpha * extra[rows] if extra is not None else 0.0)
        x = [_jacobian(d, theta, rows)] + ([extra[rows]] if extra is not None else [])
        step = np.linalg.lstsq(np.column_stack(x), r, rcond=None)[0]
        theta += float(step[0])
        alpha += float(step[1]) if extra is not None else 0.0
        if abs(step[0]) < 1e-9 * max(1.0, abs(theta)):
            break
    return theta, alpha


def _theta(d: ThetaDesign, y: np.ndarray, rows: np.ndarray) -> float:
    return fit_unbounded(d, y, rows)[0]


def bootstrap_theta(
    d: ThetaDesign, draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED
) -> np.ndarray:
    """θ̂ in ``draws`` pairs-bootstrap samples of the councils, the NHS control
    re-estimated from each sample's councils."""
    rows = np.flatnonzero(d.valid)
    rng = np.random.default_rng(seed)
    out = np.empty(draws)
    for b in range(draws):
        pick = rows[rng.integers(0, len(rows), size=len(rows))]
        ok = d.nhs_ok[pick]
        control = 1.0 - d.actual_nhs[pick][ok].sum() / d.counterfactual_nhs[pick][ok].sum()
        out[b] = _theta(d, d.observed(control), pick)
    return out


def free_common_shock(d: ThetaDesign) -> tuple[float, float]:
    """(α, θ) of counterfactual − actual = α·counterfactual + f(θ): the data choose the
    common proportional fall."""
    rows = np.flatnonzero(d.valid)
    theta, alpha = fit_unbounded(d, d.counterfactual - d.actual, rows, d.counterfactual)
    return alpha, theta


def influence(d: ThetaDesign, control: float, names: np.ndarray, top: int = 5) -> list[dict]:
    """The ``top`` councils by |z·y| and their share of Σ z·y (signed)."""
    v = d.valid
    zy = (_z(d) * d.observed(control))[v]
    total = zy.sum()
    order = np.argsort(-np.abs(zy))[:top]
    return [{"council": str(names[v][i]), "share_of_sum_zy": float(zy[i] / total)} for i in order]


@dataclass(frozen=True)
class Diagnostics:
    """Every identification diagnostic of the 2017/18 fit (θ in days per £1m)."""

    fit: OlsFit
    nhs_control_pct: float
    bootstrap_p2_5: float
    bootstrap_p50: float
    bootstrap_p97_5: float
    free_shock_alpha_pct: float
    free_shock_theta: float
    year_on_year_theta: float
    year_on_year_nhs_pct: float
    controls: dict[float, float]
    leave_region_out: dict[str, float]
    placebo: dict[str, float]
    influential: list[dict]
    r_squared: float

    def figures(self) -> dict[str, float]:
        """Flat name → value, as ``ibcf calibrate`` prints them."""
        out = {
            "ident_theta": self.fit.theta,
            "ident_se_classical": self.fit.se_classical,
            "ident_se_hc1": self.fit.se_hc1,
            "ident_se_cluster_region": self.fit.se_cluster,
            "ident_regions": float(self.fit.clusters),
            "ident_r2": self.r_squared,
            "ident_bootstrap_p2_5": self.bootstrap_p2_5,
            "ident_bootstrap_p50": self.bootstrap_p50,
            "ident_bootstrap_p97_5": self.bootstrap_p97_5,
            "ident_free_shock_common_fall_pct": self.free_shock_alpha_pct,
            "ident_free_shock_theta": self.free_shock_theta,
            "ident_year_on_year_nhs_fall_pct": self.year_on_year_nhs_pct,
            "ident_year_on_year_theta": self.year_on_year_theta,
        }
        for pct, theta in self.controls.items():
            out[f"ident_control_{pct:g}pct_theta"] = theta
        for region, theta in self.leave_region_out.items():
            out[f"ident_without_{region.lower().replace(' ', '_')}_theta"] = theta
        for year, theta in self.placebo.items():
            out[f"ident_placebo_{year.replace('/', '_')}_theta"] = theta
        for i, row in enumerate(self.influential, 1):
            out[f"ident_influence_{i}_{row['council']}_share"] = row["share_of_sum_zy"]
        return out


def identification(
    history: np.ndarray,
    months: list[str],
    money_gbp: np.ndarray,
    regions: np.ndarray,
    names: np.ndarray,
    *,
    bootstrap_draws: int = BOOTSTRAP_DRAWS,
) -> Diagnostics:
    """Every diagnostic of :mod:`simulator.projection.identification`."""
    regions = np.asarray(regions).astype(str)
    d = theta_design(history, months, money_gbp)
    rows = np.flatnonzero(d.valid)
    control = d.nhs_fall()
    y = d.observed(control)
    theta = _theta(d, y, rows)
    r = y[rows] - _predicted(d, theta, rows)
    jac = _jacobian(d, theta, rows)
    fit = ols_through_origin(r + jac * theta, jac, regions[rows])
    yv = y[rows]
    sst = float(((yv - yv.mean()) ** 2).sum())
    r2 = 1.0 - float(r @ r) / sst if sst > 0 else float("nan")
    boot = bootstrap_theta(d, bootstrap_draws)
    alpha, theta_free = free_common_shock(d)
    yoy = theta_design(history, months, money_gbp, counterfactual="last_year")
    yoy_control = yoy.nhs_fall()
    yoy_theta = _theta(yoy, yoy.observed(yoy_control), np.flatnonzero(yoy.valid))
    controls = {pct: _theta(d, d.observed(pct / 100), rows) for pct in CONTROLS_PCT}
    loro = {}
    for region in sorted(set(regions[rows])):
        keep = d.valid & (regions != region)
        # the control re-measured without the region, as a fit on those data would
        loro[region] = _theta(d, d.observed(d.nhs_fall(keep)), np.flatnonzero(keep))
    placebo = {}
    for origin in PLACEBO_ORIGINS:
        year = int(origin[:4])
        end = f"{year + 1}-03"
        if origin not in months or end not in months:
            continue
        p = theta_design(history, months, money_gbp, origin=origin, window_end=end)
        placebo[f"{year}/{str(year + 1)[2:]}"] = _theta(
            p, p.observed(p.nhs_fall()), np.flatnonzero(p.valid)
        )
    return Diagnostics(
        fit=fit,
        nhs_control_pct=100 * control,
        bootstrap_p2_5=float(np.nanquantile(boot, 0.025)),
        bootstrap_p50=float(np.nanquantile(boot, 0.5)),
        bootstrap_p97_5=float(np.nanquantile(boot, 0.975)),
        free_shock_alpha_pct=100 * alpha,
        free_shock_theta=theta_free,
        year_on_year_theta=yoy_theta,
        year_on_year_nhs_pct=100 * yoy_control,
        controls=controls,
        leave_region_out=loro,
        placebo=placebo,
        influential=influence(d, control, np.asarray(names)),
        r_squared=r2,
    )
