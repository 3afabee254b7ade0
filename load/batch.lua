-- wrk script: POSTs batches of the request files given after `--` to /v1/decide/batch, each
-- batch holding every file once. Decisions per second = requests per second x files.
--   wrk --latency -t1 -c8 -d30s -s load/batch.lua http://127.0.0.1:8181 -- policies/examples/*/*.json
-- Bodies are sent on one line (see decide.lua).

local body

function init(args)
  local parts = {}
  for _, path in ipairs(args) do
    local file = assert(io.open(path, "r"))
    parts[#parts + 1] = file:read("*a"):gsub("\r?\n%s*", "")
    file:close()
  end
  if #parts == 0 then
    error("give the request files to batch after `--`")
  end
  body = '{"requests":[' .. table.concat(parts, ",") .. "]}"
end

function request()
  return wrk.format("POST", "/v1/decide/batch", { ["content-type"] = "application/json" }, body)
end
