-- wrk script: POST the bytes of $BENCH_BODY with Content-Type $BENCH_CT (and Inference-Header-Content-Length
-- $BENCH_HCL when set, for the v2 binary extension); at the end print one line "BENCHJSON {...}" with the
-- request count, the errors by kind and the exact latency percentiles (µs).
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CT") or "application/json"
local hcl = os.getenv("BENCH_HCL")
if hcl ~= nil and hcl ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = hcl
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
