-- wrk script: GET a random system of MACHINES (or the Systems collection when PATHMODE=collection)
-- with HTTP Basic credentials; every connection keeps alive.
local machines = tonumber(os.getenv("MACHINES") or "100")
local mode = os.getenv("PATHMODE") or "system"
local auth = os.getenv("AUTHZ")

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed)
end

function request()
  local path
  if mode == "collection" then
    path = "/redfish/v1/Systems"
  else
    path = "/redfish/v1/Systems/vm-" .. math.random(0, machines - 1)
  end
  return wrk.format("GET", path, { ["Authorization"] = auth })
end
