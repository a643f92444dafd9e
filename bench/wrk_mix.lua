-- Cycles through the query mix: WRK_PATHS holds one request path per line (bench/run.py).
local paths = {}
for line in string.gmatch(os.getenv("WRK_PATHS") or "/api/v1/search?q=falls", "[^\n]+") do
  paths[#paths + 1] = line
end
local i = 0

request = function()
  i = (i % #paths) + 1
  return wrk.format("GET", paths[i])
end
