"""What a benchmark reports of its latencies."""

import statistics


def quantiles(seconds: list[float]) -> tuple[float, float]:
    """Median and p99, in milliseconds."""
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
