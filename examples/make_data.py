"""Generate the synthetic ``customers.csv`` used by the example notebooks.

Deterministic: the same seed always gives the same file.

    python examples/make_data.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 7
N_CUSTOMERS = 800
OUT = Path(__file__).resolve().parent / "customers.csv"


def make_customers(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    contract = rng.choice(
        ["month-to-month", "one-year", "two-year"], size=n, p=[0.55, 0.25, 0.20]
    )
    # Longer contracts go with longer tenure.
    max_tenure = np.select(
        [contract == "month-to-month", contract == "one-year"], [36, 60], default=72
    )
    tenure = np.floor(rng.uniform(0, 1, size=n) * (max_tenure + 1)).astype(int)
    monthly = np.round(rng.normal(65, 22, size=n).clip(18, 120), 2)
    # Total charges drift a little from tenure * monthly (price changes, discounts).
    total = np.round(tenure * monthly * rng.normal(1.0, 0.05, size=n), 2)
    support_calls = rng.poisson(1.2 + 1.5 * (monthly > 90), size=n)

    logit = (
        -1.2
        + 1.5 * (contract == "month-to-month")
        - 0.6 * (contract == "two-year")
        - 0.04 * tenure
        + 0.02 * (monthly - 65)
        + 0.35 * support_calls
    )
    churned = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)

    df = pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in range(1, n + 1)],
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": total,
            "contract": contract,
            "support_calls": support_calls,
            "churned": churned,
        }
    )
    # Brand-new customers have not been billed yet: total_charges is blank.
    df["total_charges"] = df["total_charges"].astype(float)
    df.loc[df["tenure_months"] == 0, "total_charges"] = np.nan
    return df


def main() -> None:
    df = make_customers(N_CUSTOMERS, SEED)
    df.to_csv(OUT, index=False, float_format="%.2f")
    print(f"wrote {OUT.name}: {len(df)} rows, churn rate {df['churned'].mean():.3f}")


if __name__ == "__main__":
    main()
