"""Figures about the floor for the dashboards: picks per hour per picker, from the ledger."""

import asyncpg

from schema.figures import Chart

# Pick scans per picker in each of the last 12 hours (movements_picks).
PICKS = """
select date_trunc('hour', m.at) as hour, coalesce(u.username, '?') as picker, count(*) as picks
  from movements m left join users u on u.id = m.user_id
 where m.reason = 'pick' and m.at > date_trunc('hour', now()) - interval '11 hours'
 group by 1, 2
"""


async def picks_per_hour(conn: asyncpg.Connection) -> Chart:
    now = await conn.fetchval("select date_trunc('hour', now())")
    return Chart.hourly("Picks per hour per picker", now, 12, [tuple(r) for r in await conn.fetch(PICKS)])
