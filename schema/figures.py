"""Figures for dashboards: a chart's labels along its axis and one series of values per label."""

import datetime

import msgspec


class Chart(msgspec.Struct, kw_only=True):
    title: str
    labels: list[str]
    series: dict[str, list[float]]

    @classmethod
    def hourly(cls, title: str, now: datetime.datetime, hours: int, counts: list[tuple[datetime.datetime, str, int]]) -> "Chart":
        """The last `hours` hours up to the hour `now`, a series per name of the (hour, name, count) rows."""
        axis = [now - datetime.timedelta(hours=h) for h in range(hours - 1, -1, -1)]
        series: dict[str, list[float]] = {}
        for hour, name, count in counts:
            series.setdefault(name, [0.0] * hours)[axis.index(hour)] = count
        return cls(title=title, labels=[f"{h:%H}:00" for h in axis], series=dict(sorted(series.items())))
