-- wrk script: every request asks for a random path from a list (one per line), so a run covers many distinct
-- pages instead of one hot URL.   wrk -s bench/urls.lua http://127.0.0.1:PORT -- bench/out/urls-1k-article.txt
local paths = {}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  -- each wrk thread has its own Lua state: seed each differently
  local address = tonumber(tostring(paths):match("0x(%x+)") or "0", 16) or 0
  math.randomseed(os.time() + address % 1000003)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
