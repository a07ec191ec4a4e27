-- wrk script for `make bench` (see bench/load): POSTs pre-signed Slack
-- requests round-robin. $BENCH_REQUESTS names a file written by the driver
-- with one request a line, "<X-Slack-Signature>\t<body>", all signed for the
-- timestamp $BENCH_TS (valid for Slack's 5-minute window); bodies differ
-- (event ids, workspaces) so that the app sees distinct deliveries.
local requests = {}

-- init builds the requests once wrk has set wrk.host (wrk.format needs it
-- for the Host header).
init = function(args)
  local path = os.getenv("BENCH_PATH") or "/slack/events"
  local file = os.getenv("BENCH_REQUESTS")
  assert(file, "set BENCH_REQUESTS")
  local headers = {
    ["Content-Type"] = assert(os.getenv("BENCH_CONTENT_TYPE"), "set BENCH_CONTENT_TYPE"),
    ["X-Slack-Request-Timestamp"] = assert(os.getenv("BENCH_TS"), "set BENCH_TS"),
  }
  for line in io.lines(file) do
    local tab = line:find("\t", 1, true)
    headers["X-Slack-Signature"] = line:sub(1, tab - 1)
    requests[#requests + 1] = wrk.format("POST", path, headers, line:sub(tab + 1))
  end
  assert(#requests > 0, "no requests in $BENCH_REQUESTS")
end

local i = 0

request = function()
  i = i % #requests + 1
  return requests[i]
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(99)))
end
