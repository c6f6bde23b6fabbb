#!/usr/bin/env python3
"""The SciPy reference for the fixed-horizon judges in bench/judges: the same simulated looks (100 req/s,
10% on the canary, 30 s windows; 30 latency points per side), judged by SciPy's tests with the same rule
as aviary's judges (significant at p < 0.05 and in the harmful direction). Independent windows make the
chance of a false rollback over k looks 1 − (1 − per-look)^k, which the C++ rows should match."""
import sys

import numpy as np
from scipy import stats

rng = np.random.default_rng(20261204)
LOOKS = 100_000 if "--quick" not in sys.argv else 10_000


def proportion_p(a, n, b, m):
    """aviary's two-proportion test: Pearson's chi-square (no correction), Fisher below 5 expected."""
    pooled = (a + b) / (n + m)
    expected = min(n * pooled, n * (1 - pooled), m * pooled, m * (1 - pooled))
    if expected < 5:
        return stats.fisher_exact([[a, n - a], [b, m - b]])[1]
    return stats.chi2_contingency([[a, n - a], [b, m - b]], correction=False)[1]


def error_windows(canary_rate, baseline_rate):
    n = rng.poisson(300, LOOKS)
    m = rng.poisson(2700, LOOKS)
    return rng.binomial(n, canary_rate), n, rng.binomial(m, baseline_rate), m


def proportion_alarm(canary_rate, baseline_rate):
    a, n, b, m = error_windows(canary_rate, baseline_rate)
    alarms = 0
    for i in range(LOOKS):
        if n[i] < 20 or m[i] < 20:
            continue
        if a[i] / n[i] > b[i] / m[i] and proportion_p(a[i], n[i], b[i], m[i]) < 0.05:
            alarms += 1
    return alarms / LOOKS


def mann_whitney_alarm(canary_median, baseline_median, looks):
    x = rng.lognormal(np.log(canary_median), 0.5, (looks, 30))
    y = rng.lognormal(np.log(baseline_median), 0.5, (looks, 30))
    p = stats.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method="asymptotic", axis=1).pvalue
    return float(np.mean((p < 0.05) & (np.mean(x, axis=1) > np.mean(y, axis=1))))


def over(per_look, k):
    return 1 - (1 - per_look) ** k


rows = [
    ("fixed proportion 0.95, every look", "healthy errors 1% vs 1%", proportion_alarm(0.01, 0.01)),
    ("fixed proportion 0.95, every look", "+2 pp errors (1% → 3%)", proportion_alarm(0.03, 0.01)),
    ("fixed mann-whitney 0.95, every look", "healthy latency lognormal σ 0.5", mann_whitney_alarm(0.1, 0.1, LOOKS)),
    ("fixed mann-whitney 0.95, every look", "+20% median latency", mann_whitney_alarm(0.12, 0.1, LOOKS)),
]
def oracle_sprt_within_90s(alpha=0.05, looks=3):
    """The best any valid sequential test can do on +2 pp: Wald's likelihood ratio of the true ratio (3)
    against 1, which knows the regression in advance (no mixture over alternatives), rejecting when it
    reaches 1/alpha at one of the looks."""
    trials = LOOKS
    log_lr = np.zeros(trials)
    crossed = np.zeros(trials, dtype=bool)
    for _ in range(looks):
        n, m = rng.poisson(300, trials), rng.poisson(2700, trials)
        a, b = rng.binomial(n, 0.03), rng.binomial(m, 0.01)
        share = n / (n + m)
        log_lr += a * np.log(3) - (a + b) * np.log1p(share * 2)
        crossed |= log_lr >= np.log(1 / alpha)
    return float(np.mean(crossed))


print(f"Oracle bound (+2 pp at 10% of 100 req/s): Wald's SPRT of the true ratio detects within 3 looks of 30 s "
      f"in {100 * oracle_sprt_within_90s():.2f}% of trials at alpha 0.05; no valid test that does not know the "
      f"effect in advance does better.")
print()
print("| SciPy reference | scenario | per look | within 3 looks | within 20 looks | within 100 looks |")
print("|---|---|---|---|---|---|")
for judge, scenario, per_look in rows:
    print(f"| {judge} | {scenario} | {100 * per_look:.2f}% | {100 * over(per_look, 3):.2f}% | "
          f"{100 * over(per_look, 20):.2f}% | {100 * over(per_look, 100):.2f}% |")
print()
