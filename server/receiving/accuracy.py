"""Inventory accuracy over time: of the counts finished in each period, how many found the system
right (the last round of each, so a miscount corrected by its recount does not count against the
stock), and how many units were counted and were off."""

import datetime

import asyncpg

from schema.counts import Accuracy, AccuracyPeriod

ACCURACY = """
with final as (
    select distinct on (c.task_id) c.id, c.task_id, c.at, c.variance
      from counts c join count_tasks t on t.id = c.task_id
     where t.status = 'done' and c.at >= $1::date
     order by c.task_id, c.round desc
)
select date_trunc($2, f.at)::date as period, count(*)::int as locations_counted,
       (count(*) filter (where f.variance))::int as locations_with_variance,
       coalesce(sum(l.counted), 0)::bigint as units_counted, coalesce(sum(l.off), 0)::bigint as units_variance
  from final f
  left join lateral (select sum(counted) as counted, sum(abs(counted - expected)) as off from count_lines where count_id = f.id) l on true
 group by 1
 order by 1
"""


async def accuracy(conn: asyncpg.Connection, since: datetime.date, period: str) -> Accuracy:
    rows = await conn.fetch(ACCURACY, since, period)
    periods = [AccuracyPeriod(**dict(r), accuracy_pct=_pct(r["locations_counted"], r["locations_with_variance"])) for r in rows]
    counted = sum(p.locations_counted for p in periods)
    off = sum(p.locations_with_variance for p in periods)
    return Accuracy(since=since, period=period, periods=periods, locations_counted=counted,
                    accuracy_pct=_pct(counted, off) if counted else None)


def _pct(counted: int, off: int) -> float:
    return round(100 * (counted - off) / counted, 2)
