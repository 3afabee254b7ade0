-- wrk script: POSTs the request files given after `--` to /v1/decide, in turn.
--   wrk --latency -t1 -c32 -d30s -s load/decide.lua http://127.0.0.1:8181 -- policies/examples/*/*.json
-- Bodies are sent on one line, as clients that serialize JSON send them: raw line breaks in
-- JSON only ever stand between tokens, so removing them (and the indentation after them)
-- keeps every request the same.

local bodies = {}
local next_body = 0

function init(args)
  for _, path in ipairs(args) do
    local file = assert(io.open(path, "r"))
    local text = file:read("*a"):gsub("\r?\n%s*", "")
    file:close()
    bodies[#bodies + 1] = text
  end
  if #bodies == 0 then
    error("give the request files to send after `--`")
  end
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/decide", { ["content-type"] = "application/json" }, bodies[next_body])
end
