"""Write the reference data's ``fx_rates.csv``: units of currency per 1 USD, one row per month.

The values are approximate monthly average market rates (4 significant figures) typed in from
general knowledge, NOT the official UN operational rates of exchange; the ``source`` column
says so on every row. XOF is derived exactly from the EUR rate at the fixed parity
655.957 XOF per EUR. DKK is derived from the EUR rate at an approximate EUR/DKK cross rate of
the year (the krone is pegged to the euro). USD is the identity and has no rows.

Run ``python -m demo.make_fx_rates`` to rewrite the file (deterministic).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from sr_pipeline.reference import REFERENCE_DIR

OUT = REFERENCE_DIR / "fx_rates.csv"

APPROX = "approximate: monthly average market rate, not the official UN operational rate"
XOF_SOURCE = "fixed parity 655.957 XOF per EUR applied to the EUR rate"
DKK_SOURCE = (
    "approximate: EUR rate times the year's average EUR/DKK cross rate, "
    "not the official UN operational rate"
)
XOF_PER_EUR = Decimal("655.957")
YEARS = range(2013, 2019)

# Quoted the market way (USD per unit) for EUR, GBP and AUD; units per USD for the others.
USD_PER_UNIT = {
    "EUR": {
        2013: "1.330 1.335 1.296 1.303 1.298 1.320 1.308 1.332 1.335 1.364 1.349 1.371",
        2014: "1.361 1.366 1.383 1.381 1.373 1.360 1.354 1.332 1.290 1.267 1.247 1.233",
        2015: "1.162 1.135 1.083 1.081 1.116 1.123 1.100 1.114 1.122 1.124 1.073 1.088",
        2016: "1.086 1.110 1.110 1.134 1.131 1.123 1.107 1.121 1.121 1.103 1.080 1.054",
        2017: "1.062 1.064 1.069 1.072 1.106 1.123 1.151 1.181 1.191 1.176 1.174 1.184",
        2018: "1.220 1.235 1.233 1.228 1.181 1.168 1.168 1.155 1.166 1.148 1.137 1.138",
    },
    "GBP": {
        2013: "1.597 1.549 1.507 1.531 1.529 1.547 1.517 1.551 1.589 1.609 1.612 1.637",
        2014: "1.647 1.657 1.665 1.674 1.684 1.691 1.707 1.670 1.629 1.608 1.578 1.564",
        2015: "1.514 1.533 1.497 1.497 1.546 1.558 1.557 1.558 1.535 1.535 1.519 1.497",
        2016: "1.438 1.430 1.423 1.431 1.453 1.422 1.314 1.310 1.314 1.236 1.243 1.237",
        2017: "1.234 1.249 1.234 1.264 1.292 1.280 1.295 1.294 1.330 1.318 1.323 1.337",
        2018: "1.382 1.397 1.395 1.407 1.348 1.330 1.313 1.289 1.305 1.299 1.290 1.266",
    },
    "AUD": {
        2013: "1.049 1.031 1.041 1.038 0.993 0.940 0.916 0.903 0.932 0.955 0.935 0.893",
        2014: "0.886 0.896 0.907 0.930 0.928 0.937 0.936 0.930 0.900 0.877 0.862 0.824",
        2015: "0.806 0.780 0.766 0.776 0.787 0.771 0.738 0.730 0.705 0.722 0.714 0.722",
        2016: "0.699 0.714 0.749 0.761 0.727 0.738 0.752 0.761 0.760 0.761 0.752 0.727",
        2017: "0.749 0.766 0.762 0.752 0.744 0.754 0.780 0.793 0.797 0.776 0.760 0.762",
        2018: "0.795 0.786 0.775 0.767 0.752 0.748 0.740 0.732 0.722 0.712 0.723 0.715",
    },
}
UNITS_PER_USD = {
    "NOK": {
        2013: "5.580 5.560 5.770 5.790 5.800 5.890 6.010 5.970 5.990 5.950 6.080 6.110",
        2014: "6.170 6.120 6.000 6.000 5.930 6.050 6.160 6.220 6.330 6.600 6.860 7.220",
        2015: "7.660 7.640 8.050 7.880 7.570 7.800 8.150 8.210 8.330 8.250 8.550 8.680",
        2016: "8.810 8.620 8.460 8.230 8.240 8.370 8.480 8.300 8.220 8.220 8.450 8.600",
        2017: "8.490 8.360 8.500 8.600 8.470 8.460 8.180 7.900 7.830 7.960 8.230 8.310",
        2018: "7.940 7.830 7.780 7.840 8.120 8.100 8.150 8.300 8.250 8.200 8.500 8.640",
    },
    "SEK": {
        2013: "6.500 6.380 6.440 6.500 6.590 6.600 6.600 6.550 6.490 6.420 6.600 6.540",
        2014: "6.460 6.490 6.440 6.550 6.560 6.680 6.820 6.900 7.070 7.210 7.400 7.640",
        2015: "8.100 8.350 8.530 8.640 8.360 8.270 8.520 8.510 8.360 8.290 8.690 8.520",
        2016: "8.550 8.470 8.300 8.100 8.250 8.350 8.550 8.470 8.550 8.860 9.250 9.260",
        2017: "8.940 8.930 8.930 8.920 8.780 8.700 8.340 8.090 8.000 8.180 8.370 8.400",
        2018: "8.020 8.030 8.300 8.500 8.750 8.850 8.880 9.090 8.980 9.030 9.050 9.000",
    },
    "CAD": {
        2013: "0.993 1.010 1.024 1.018 1.024 1.030 1.040 1.037 1.034 1.038 1.045 1.064",
        2014: "1.094 1.104 1.111 1.099 1.092 1.084 1.073 1.091 1.099 1.121 1.135 1.156",
        2015: "1.212 1.249 1.262 1.234 1.215 1.237 1.286 1.313 1.327 1.307 1.328 1.372",
        2016: "1.419 1.380 1.321 1.281 1.296 1.289 1.308 1.302 1.312 1.325 1.343 1.334",
        2017: "1.319 1.311 1.338 1.347 1.360 1.331 1.272 1.259 1.229 1.254 1.276 1.272",
        2018: "1.243 1.262 1.295 1.275 1.289 1.312 1.313 1.302 1.302 1.302 1.319 1.340",
    },
    "CHF": {
        2013: "0.929 0.922 0.946 0.937 0.957 0.933 0.945 0.926 0.925 0.904 0.913 0.893",
        2014: "0.902 0.894 0.881 0.883 0.891 0.897 0.898 0.910 0.937 0.953 0.964 0.975",
        2015: "0.940 0.935 0.974 0.963 0.934 0.932 0.953 0.967 0.970 0.965 1.007 0.993",
        2016: "1.009 0.993 0.983 0.963 0.980 0.970 0.984 0.971 0.972 0.988 0.997 1.018",
        2017: "1.005 1.002 1.000 0.998 0.980 0.966 0.960 0.965 0.963 0.982 0.992 0.987",
        2018: "0.959 0.935 0.949 0.975 0.997 0.990 0.995 0.985 0.965 0.995 1.000 0.990",
    },
    "TRY": {
        2013: "1.770 1.780 1.810 1.800 1.830 1.900 1.940 1.960 2.020 1.990 2.020 2.070",
        2014: "2.220 2.210 2.220 2.130 2.090 2.120 2.130 2.160 2.220 2.260 2.230 2.290",
        2015: "2.330 2.470 2.590 2.660 2.650 2.700 2.690 2.810 3.020 2.920 2.860 2.920",
        2016: "3.010 2.950 2.890 2.820 2.940 2.920 2.970 2.950 2.970 3.070 3.250 3.470",
        2017: "3.720 3.660 3.640 3.640 3.560 3.520 3.560 3.520 3.490 3.670 3.900 3.840",
        2018: "3.770 3.780 3.890 4.050 4.400 4.630 4.730 5.780 6.330 5.790 5.330 5.330",
    },
}
# Approximate yearly average EUR/DKK (the krone's ERM II peg keeps it near 7.46).
DKK_PER_EUR = {
    2013: "7.458",
    2014: "7.455",
    2015: "7.459",
    2016: "7.445",
    2017: "7.439",
    2018: "7.453",
}

ORDER = ("EUR", "XOF", "NOK", "SEK", "DKK", "GBP", "CAD", "AUD", "CHF", "TRY")


def _sig4(x: Decimal) -> Decimal:
    """Round to 4 significant figures."""
    return Decimal(f"{x:.4g}")


def _monthly(table: dict[int, str], year: int) -> list[Decimal]:
    values = [Decimal(v) for v in table[year].split()]
    assert len(values) == 12, (year, table[year])
    return values


def rates() -> list[tuple[str, str, str, str]]:
    """All rows (month, currency, units_per_usd, source), month-major, fixed currency order."""
    rows: list[tuple[str, str, str, str]] = []
    for year in YEARS:
        for m in range(12):
            month = f"{year}-{m + 1:02d}"
            eur = _sig4(1 / _monthly(USD_PER_UNIT["EUR"], year)[m])
            value: dict[str, tuple[Decimal, str]] = {
                "EUR": (eur, APPROX),
                "XOF": (eur * XOF_PER_EUR, XOF_SOURCE),
                "DKK": (_sig4(eur * Decimal(DKK_PER_EUR[year])), DKK_SOURCE),
            }
            for cur in ("GBP", "AUD"):
                value[cur] = (_sig4(1 / _monthly(USD_PER_UNIT[cur], year)[m]), APPROX)
            for cur, table in UNITS_PER_USD.items():
                value[cur] = (_sig4(_monthly(table, year)[m]), APPROX)
            for cur in ORDER:
                v, src = value[cur]
                rows.append((month, cur, format(v.normalize(), "f"), src))
    return rows


def write(path: Path = OUT) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("month", "currency", "units_per_usd", "source"))
        w.writerows(rates())
    return path


if __name__ == "__main__":
    print(write())
