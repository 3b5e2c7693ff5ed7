-- wrk script: every request asks for a random 1 MiB range of the file (BENCH_SIZE bytes).
local size = tonumber(os.getenv("BENCH_SIZE"))
local chunk = tonumber(os.getenv("BENCH_CHUNK") or "1048576")
local path = os.getenv("BENCH_PATH")
local statuses = {}

function setup(thread)
  thread:set("id", tostring(thread))
end

function init(args)
  math.randomseed(os.time() + (tonumber(string.match(id or "", "0x(%x+)") or "0", 16) % 100000))
end

request = function()
  local start = math.floor(math.random() * (size - chunk))
  return wrk.format("GET", path, { ["Range"] = "bytes=" .. start .. "-" .. (start + chunk - 1) })
end

response = function(status, headers, body)
  if status ~= 206 then
    bad = (bad or 0) + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format("WRK requests=%d bytes=%d secs=%.3f errors=%d p99ms=%.2f\n",
    summary.requests, summary.bytes, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(99) / 1000))
end
