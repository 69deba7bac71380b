-- POST /api/v1/orders with a new external_id each time and 5 random lines (bench/orders.py sets the globals)
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tag", tostring(#threads + 1))
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local lines = {}
  local used = {}
  while #lines < 5 do
    local s = math.random(0, 49)
    if not used[s] then
      used[s] = true
      table.insert(lines, string.format('{"sku":"S%03d","quantity":%d}', s, math.random(1, 5)))
    end
  end
  local body = string.format(
    '{"external_id":"wrk-%s-%s-%d","ship_to":{"name":"Ada Lovelace","line1":"12 St James\'s Square",' ..
    '"city":"London","postal_code":"SW1Y 4JH","country":"GB"},"lines":[%s]}',
    os.getenv("WMS_BENCH_RUN"), tag, counter, table.concat(lines, ","))
  return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json",
                    ["Authorization"] = "Bearer " .. os.getenv("WMS_BENCH_KEY")}, body)
end
