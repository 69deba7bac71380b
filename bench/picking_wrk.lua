-- Handhelds picking through HTTP, for bench/picking.py: one wrk thread with one connection per
-- handheld, each logged in as its own picker. A handheld asks for its trip (POST
-- /api/v1/picking/next) and confirms the trip's tasks one scan at a time, its bin, the item's
-- GTIN, the count; then asks for the next trip. WMS_BENCH_DATA names a Lua file, written by the
-- bench, that returns {tokens = {...}, gtins = {[sku] = gtin}}.

local data = dofile(os.getenv("WMS_BENCH_DATA"))
local handhelds = 0
local threads = {}

function setup(thread)
   handhelds = handhelds + 1
   thread:set("handheld", handhelds)
   table.insert(threads, thread)
end

function init(args)
   token = data.tokens[handheld]
   queue = {}
   asking = true
   confirmed, refused, claims, idle = 0, 0, 0, 0
   headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
   if #queue == 0 then
      asking = true
      claims = claims + 1
      return wrk.format("POST", "/api/v1/picking/next", headers, "{}")
   end
   asking = false
   local task = table.remove(queue, 1)
   local body = string.format('{"scan_id":"h%d-%s","location":"%s","item":"%s","count":%d,"tote":"T-%d"}',
      handheld, task.id, task.location, data.gtins[task.sku], task.count, handheld)
   return wrk.format("POST", "/api/v1/picking/tasks/" .. task.id .. "/confirm", headers, body)
end

function response(status, headers, body)
   if asking then
      if status ~= 200 then
         idle = idle + 1  -- no work this picker can reach: ask again
         return
      end
      -- a task object holds no nested object, so it ends at the first closing brace
      for task in body:gmatch('{"id":%d+,"kind".-}') do
         local left = tonumber(task:match('"quantity":(%d+)')) - tonumber(task:match('"picked":(%d+)'))
         if task:match('"status":"(%a+)"') == "assigned" and left > 0 then
            table.insert(queue, {id = task:match('"id":(%d+)'), location = task:match('"location_barcode":"(.-)"'),
                                 sku = task:match('"sku":"(.-)"'), count = left})
         end
      end
   elseif status == 200 then
      confirmed = confirmed + 1
   else
      refused = refused + 1
   end
end

function done(summary, latency, requests)
   local totals = {confirmed = 0, refused = 0, claims = 0, idle = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + thread:get(name)
      end
   end
   io.write(string.format("WMS confirmed=%d refused=%d claims=%d idle=%d p50=%d p99=%d\n", totals.confirmed,
      totals.refused, totals.claims, totals.idle, latency:percentile(50), latency:percentile(99)))
end
