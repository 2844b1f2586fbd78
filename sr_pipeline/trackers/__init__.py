"""Reading the fund units' tracker workbooks: contracts, discovery, safety, values, rules."""
