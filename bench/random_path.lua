-- wrk script for `make bench`: every request asks for a path picked at random from a list.
--
--   wrk ... -s bench/random_path.lua http://127.0.0.1:18765 -- PATHS_FILE [COOKIE]
--
-- PATHS_FILE holds one path a line (/poses/…/); COOKIE, when given, is sent as the Cookie
-- header of every request (a student's session). done() prints one line, BENCH_RESULT
-- followed by JSON, that bench/run.py reads: rate, percentiles, maximum, the number of
-- requests slower than a second, and every kind of error wrk counts.

local requests = {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local headers = {}
  if args[2] and args[2] ~= "" then
    headers["Cookie"] = args[2]
  end
  for line in file:lines() do
    if line ~= "" then
      requests[#requests + 1] = wrk.format("GET", line, headers)
    end
  end
  file:close()
  assert(#requests > 0, "no paths in " .. args[1])
  -- A different sequence in each thread, the same from one run to the next.
  math.randomseed(1000 + (thread_number or 0))
end

function request()
  return requests[math.random(#requests)]
end

-- How many recorded latencies (microseconds) are above a limit: wrk offers percentiles, so
-- find by bisection the share of requests at or under it. Requests slower than wrk's
-- --timeout are not recorded (wrk counts them as timeouts instead).
local function count_over(latency, total, limit)
  if total == 0 or latency.max <= limit then
    return 0
  end
  local low, high = 0.0, 100.0
  for _ = 1, 40 do
    local middle = (low + high) / 2
    if latency:percentile(middle) <= limit then
      low = middle
    else
      high = middle
    end
  end
  return math.floor(total * (100 - low) / 100 + 0.5)
end

function done(summary, latency, _)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "over_1s": %d, "errors": {"connect": %d, '
      .. '"read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    count_over(latency, summary.requests - errors.timeout, 1e6) + errors.timeout,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout
  ))
end
