"""Figures about orders for the dashboards: orders through the day by status, backorders, and
shipping on time against ship-by dates."""

import datetime

import asyncpg

from schema.figures import Chart

# Orders received in each of the last 24 hours, by the status they have now (orders_created).
BY_HOUR = """
select date_trunc('hour', o.created_at) as hour, o.status, count(*) as orders
  from orders o where o.created_at > date_trunc('hour', now()) - interval '23 hours'
 group by 1, 2
"""


async def orders_by_status(conn: asyncpg.Connection) -> Chart:
    now = await conn.fetchval("select date_trunc('hour', now())")
    return Chart.hourly("Orders received in the last 24 hours, by status now", now, 24, [tuple(r) for r in await conn.fetch(BY_HOUR)])


# Units ordered but not reserved, per SKU, of orders waiting for stock.
BACKORDERS = """
select s.code, sum(l.quantity - l.allocated) as missing
  from orders o join order_lines l on l.order_id = o.id join skus s on s.id = l.sku_id
 where o.status = 'backordered' and l.allocated < l.quantity
 group by s.code order by missing desc, s.code limit 15
"""


async def backorders(conn: asyncpg.Connection) -> Chart:
    rows = await conn.fetch(BACKORDERS)
    return Chart(title="Units on backorder, by SKU", labels=[r["code"] for r in rows],
                 series={"units missing": [float(r["missing"]) for r in rows]})


# Orders shipped per day of the last two weeks, on or before their ship-by date or after it.
ON_TIME = """
select sh.shipped_at::date as day, count(*) filter (where sh.shipped_at::date <= o.ship_by) as on_time,
       count(*) filter (where sh.shipped_at::date > o.ship_by) as late
  from shipments sh join orders o on o.id = sh.order_id
 where sh.status = 'shipped' and o.ship_by is not null and sh.shipped_at > current_date - 13
 group by 1
"""


async def on_time(conn: asyncpg.Connection) -> Chart:
    today = await conn.fetchval("select current_date")
    days = [today - datetime.timedelta(days=d) for d in range(13, -1, -1)]
    series = {"on time": [0.0] * 14, "late": [0.0] * 14}
    for row in await conn.fetch(ON_TIME):
        series["on time"][days.index(row["day"])] = row["on_time"]
        series["late"][days.index(row["day"])] = row["late"]
    return Chart(title="Shipments against their ship-by date", labels=[f"{d:%d %b}" for d in days], series=series)
