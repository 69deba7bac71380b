-- Docks receiving flat out through HTTP, for bench/receiving.py: one wrk thread with one connection
-- per dock, each logged in as its own receiver on its own receipt, scanning the item's EAN-13
-- (POST /api/v1/receipts/{id}/scans, a fresh scan id each). WMS_BENCH_DATA names a Lua file,
-- written by the bench, that returns {gtin = "...", docks = {{token = "...", receipt = N}, ...}}.

local data = dofile(os.getenv("WMS_BENCH_DATA"))
local count = 0
local threads = {}

function setup(thread)
   count = count + 1
   thread:set("dock", count)
   table.insert(threads, thread)
end

function init(args)
   local mine = data.docks[dock]
   path = "/api/v1/receipts/" .. mine.receipt .. "/scans"
   headers = {["Authorization"] = "Bearer " .. mine.token, ["Content-Type"] = "application/json"}
   scanned, received, refused = 0, 0, 0
end

function request()
   scanned = scanned + 1
   return wrk.format("POST", path, headers, string.format('{"scan_id":"d%d-%d","scan":"]E0%s"}', dock, scanned, data.gtin))
end

function response(status, headers, body)
   if status == 200 then
      received = received + 1
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local received, refused = 0, 0
   for _, thread in ipairs(threads) do
      received = received + thread:get("received")
      refused = refused + thread:get("refused")
   end
   io.write(string.format("WMS received=%d refused=%d p50=%d p99=%d\n", received, refused,
      latency:percentile(50), latency:percentile(99)))
end
