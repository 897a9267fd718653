-- wrk script: POST a valid Arabic comment, a little different each time.
-- Used by bench/load.sh.
local counter = 0
local bodies = {
  "تحليل ممتاز للوضع الاقتصادي، أتمنى أن تستمر الأسعار في الانخفاض",
  "الله يوفق المنتخب في المباراة القادمة، الأداء كان رائع",
  "أتفق مع الكاتب في معظم النقاط لكن الأرقام تحتاج إلى مصدر",
  "Good analysis, but the oil price forecast seems optimistic ١٢٠ دولار؟",
}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  local article = "/news/load/" .. (counter % 50)
  local payload = string.format(
    '{"article":"%s","name":"قارئ %d","email":"reader%d@example.com","body":"%s %d"}',
    article, counter % 1000, counter % 5000, body, counter)
  return wrk.format(nil, "/api/v1/comments", nil, payload)
end
