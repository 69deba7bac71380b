-- Pack stations scanning flat out through HTTP, for bench/packing.py: one wrk thread with one
-- connection per station, each logged in as its own packer. A station scans its open cartons'
-- items one unit a scan (POST /api/v1/packing/cartons/{id}/items, a fresh scan id each), moving to
-- its next carton when one is full. WMS_BENCH_DATA names a Lua file, written by the bench, that
-- returns {gtin = "...", units = N, stations = {{token = "...", cartons = {...}}, ...}}.

local data = dofile(os.getenv("WMS_BENCH_DATA"))
local count = 0
local threads = {}

function setup(thread)
   count = count + 1
   thread:set("station", count)
   table.insert(threads, thread)
end

function init(args)
   local mine = data.stations[station]
   cartons = mine.cartons
   headers = {["Authorization"] = "Bearer " .. mine.token, ["Content-Type"] = "application/json"}
   current, scanned = 1, 0
   packed, refused, idle = 0, 0, 0
end

function request()
   if current > #cartons then
      return wrk.format("GET", "/health", headers)
   end
   scanned = scanned + 1
   local carton = cartons[current]
   local body = string.format('{"scan_id":"st%d-%d-%d","item":"]E0%s"}', station, carton, scanned, data.gtin)
   if scanned == data.units then
      current, scanned = current + 1, 0
   end
   return wrk.format("POST", "/api/v1/packing/cartons/" .. carton .. "/items", headers, body)
end

function response(status, headers, body)
   if status == 200 and body:sub(1, 11) == '{"message":' then
      packed = packed + 1
   elseif status == 200 then
      idle = idle + 1
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local totals = {packed = 0, refused = 0, idle = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + thread:get(name)
      end
   end
   io.write(string.format("WMS packed=%d refused=%d idle=%d p50=%d p99=%d\n", totals.packed, totals.refused, totals.idle,
      latency:percentile(50), latency:percentile(99)))
end
