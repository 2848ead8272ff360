-- wrk script for the registration rush: each request is the next trainee's POST of the real
-- registration form with that trainee's session cookie and CSRF token, read from a file
-- ("cookie<TAB>body" per line). Threads take disjoint slices; once a slice is used up the
-- last trainee's POST repeats (answered "already registered") until the runner, which watches
-- the registrations, stops wrk with SIGINT. Status classes are counted for the report.
local threads = {}
local thread_count = 0

setup = function(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

init = function(args)
  local file, path = args[1], args[2]
  local nthreads = tonumber(args[3])
  requests_list = {}
  local index = 0
  for line in io.lines(file) do
    if index % nthreads == id then
      local cookie, body = line:match("([^\t]*)\t(.*)")
      table.insert(requests_list, wrk.format("POST", path, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Referer"] = "http://127.0.0.1" .. path,
      }, body))
    end
    index = index + 1
  end
  -- wrk asks for one request it never sends (it checks the script with it); the thread's
  -- first POST is listed twice so that no trainee is left out (a second one is answered
  -- "already registered").
  if #requests_list > 0 then table.insert(requests_list, 1, requests_list[1]) end
  next_index, answered = 1, 0
  s2xx, s3xx, s4xx, s503, s5xx = 0, 0, 0, 0, 0
end

request = function()
  local chosen = requests_list[math.min(next_index, #requests_list)]
  next_index = next_index + 1
  return chosen
end

response = function(status, headers, body)
  answered = answered + 1
  if status >= 500 then
    if status == 503 then s503 = s503 + 1 else s5xx = s5xx + 1 end
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
end

done = function(summary, latency, requests)
  local c = {s2xx = 0, s3xx = 0, s4xx = 0, s503 = 0, s5xx = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(c) do c[key] = c[key] + thread:get(key) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"non_2xx": %d, "socket_errors": %d, "status_2xx": %d, "status_3xx": %d, ' ..
    '"status_4xx": %d, "status_503": %d, "status_5xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout,
    c.s2xx, c.s3xx, c.s4xx, c.s503, c.s5xx))
end
