namespace McpGuard.State;

/// <summary>
/// The server-side scripts of the Redis store. One script per decision, so "check every demand, then count in
/// all" is atomic across every guard on every machine that shares the Redis. They follow
/// <see cref="McpGuard.Policy.Limits.WindowArithmetic"/> rule for rule, with the Redis server's clock in microseconds
/// (one clock for all machines: a guard whose clock runs ahead cannot make a day's budget leave early). Amounts
/// are exact decimal strings added digit by digit: Lua's numbers are doubles, and 0.1 + 0.2 must be 0.3.
/// A counter is a list of buckets "opened:last:amount", oldest first, that expires with its newest call; the
/// newest bucket also carries the counter's total ("opened:last:amount:total"), kept on every count and
/// give-back and lessened as the oldest buckets leave the window, so a decision reads two buckets per counter
/// however many its window holds (all of them only for a refusal's retry-after). Lists in the layout before
/// totals (buckets "opened last amount", space-separated) are moved over, counts included, the first time a
/// decision or a give-back touches them; the older guards' scripts cannot parse the new buckets and fail
/// (docs/limits.md#redis-for-a-team).
/// </summary>
internal static class RedisScripts
{
    // Ends with an empty line: a raw string drops its last line break, and the script appended must not begin on
    // the line of this one's last 'end'.
    private const string Decimals = """
        local function split(s)
          local i, f = string.match(s, '^(%d+)%.?(%d*)$')
          return i, f
        end
        local function align(a, b)
          local ai, af = split(a)
          local bi, bf = split(b)
          local fl = math.max(#af, #bf)
          local x = ai .. af .. string.rep('0', fl - #af)
          local y = bi .. bf .. string.rep('0', fl - #bf)
          local l = math.max(#x, #y)
          return string.rep('0', l - #x) .. x, string.rep('0', l - #y) .. y, fl
        end
        local function join(d, fl)
          local i = string.sub(d, 1, #d - fl)
          local f = string.sub(d, #d - fl + 1)
          i = string.gsub(i, '^0+', '')
          f = string.gsub(f, '0+$', '')
          if i == '' then i = '0' end
          if f == '' then return i end
          return i .. '.' .. f
        end
        -- Exact by digits (above) for any length; the same sums in Lua numbers when both sides, scaled to one
        -- number of decimals, have at most 15 digits (doubles are exact to 2^53): the common case, far cheaper.
        local function scaled(a, b)
          if not string.find(a, '.', 1, true) and not string.find(b, '.', 1, true) then
            if #a > 15 or #b > 15 then return nil end
            return tonumber(a), tonumber(b), 0
          end
          local ai, af = split(a)
          local bi, bf = split(b)
          local fl = math.max(#af, #bf)
          if #ai + fl > 15 or #bi + fl > 15 then return nil end
          return tonumber(ai .. af .. string.rep('0', fl - #af)), tonumber(bi .. bf .. string.rep('0', fl - #bf)), fl
        end
        local function unscaled(n, fl)
          local d = string.format('%.0f', n)
          if fl == 0 then return d end
          if #d <= fl then d = string.rep('0', fl + 1 - #d) .. d end
          local f = string.gsub(string.sub(d, -fl), '0+$', '')
          if f == '' then return string.sub(d, 1, -fl - 1) end
          return string.sub(d, 1, -fl - 1) .. '.' .. f
        end
        local function cmp(a, b)
          local x, y = scaled(a, b)
          if not x then x, y = align(a, b) end
          if x < y then return -1 elseif x > y then return 1 end
          return 0
        end
        local function add(a, b)
          local sx, sy, sf = scaled(a, b)
          if sx then return unscaled(sx + sy, sf) end
          local x, y, fl = align(a, b)
          local out, carry = {}, 0
          for k = #x, 1, -1 do
            local s = string.byte(x, k) + string.byte(y, k) - 96 + carry
            if s >= 10 then s = s - 10; carry = 1 else carry = 0 end
            out[k] = s
          end
          local d = table.concat(out)
          if carry == 1 then d = '1' .. d end
          return join(d, fl)
        end
        local function sub(a, b)
          local sx, sy, sf = scaled(a, b)
          if sx then
            if sx <= sy then return '0' end
            return unscaled(sx - sy, sf)
          end
          if cmp(a, b) <= 0 then return '0' end
          local x, y, fl = align(a, b)
          local out, borrow = {}, 0
          for k = #x, 1, -1 do
            local s = string.byte(x, k) - string.byte(y, k) - borrow
            if s < 0 then s = s + 10; borrow = 1 else borrow = 0 end
            out[k] = s
          end
          return join(table.concat(out), fl)
        end
        local function bucket(b)
          local o, l, a, t = string.match(b, '^(%d+):(%d+):([%d.]+):?([%d.]*)$')
          if t == '' then t = nil end
          return tonumber(o), tonumber(l), a, o, t
        end
        local function text(o, l, a, t)
          if t then return o .. ':' .. l .. ':' .. a .. ':' .. t end
          return o .. ':' .. l .. ':' .. a
        end
        local function us(n) return string.format('%.0f', n) end
        local function older(b) return string.find(b, ' ', 1, true) ~= nil end
        -- Every bucket is parsed before the list is rewritten: a bucket that does not parse fails the script unchanged.
        local function migrate(key)
          local buckets, total = {}, '0'
          for k, b in ipairs(redis.call('LRANGE', key, 0, -1)) do
            local o, l, a = string.match(b, '^(%d+) (%d+) (%S+)$')
            total = add(total, a)
            buckets[k] = text(o, l, a)
          end
          buckets[#buckets] = buckets[#buckets] .. ':' .. total
          local ttl = redis.call('PTTL', key)
          redis.call('DEL', key)
          for _, b in ipairs(buckets) do redis.call('RPUSH', key, b) end
          if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
        end
        local function newest(key)
          local b = redis.call('LINDEX', key, -1)
          if b and older(b) then
            migrate(key)
            b = redis.call('LINDEX', key, -1)
          end
          return b
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local nowText = us(now)

        """;

    /// <summary>
    /// KEYS: the namespace's index, then one counter per demand. ARGV: the demand count, then per demand its
    /// window (µs), amount, max and identity (JSON, the index's member). Returns {'counted', bucket per demand}
    /// or {'refused', index, retry-after µs}.
    /// </summary>
    public const string Count = Decimals + """
        local n = tonumber(ARGV[1])
        -- Per demand, what the check read, for the count to write without reading or parsing again: the newest
        -- bucket's opened (text and µs), last (µs) and amount, and the counter's total with this call's amount.
        -- The buckets that left the window are popped oldest first (each leaves once, so a decision pops about
        -- one however full the window is); the newest bucket's total is written once, by the count, or on refusal.
        local seen = {}
        for i = 1, n do
          local key = KEYS[i + 1]
          local window = tonumber(ARGV[(i - 1) * 4 + 2])
          local amount = ARGV[(i - 1) * 4 + 3]
          local max = ARGV[(i - 1) * 4 + 4]
          local d = {}
          seen[i] = d
          local sum = '0'
          local b = newest(key)
          if b then
            local _, l, a, o, total = bucket(b)
            while true do
              local head = redis.call('LINDEX', key, 0)
              if not head then total = nil; break end
              local last = tonumber(string.match(head, '^%d+:(%d+):'))
              if last > now - window then break end
              local _, _, popped = bucket(head)
              redis.call('LPOP', key)
              total = sub(total, popped)
              d.popped = true
            end
            if total then
              d.o, d.l, d.a, d.text_o, sum = tonumber(o), l, a, o, total
            end
          end
          d.sum = sum
          d.total = add(sum, amount)
          if cmp(d.total, max) > 0 then
            for k = 1, i do
              local e = seen[k]
              if e.popped and e.o then
                redis.call('LSET', KEYS[k + 1], -1, text(e.text_o, us(e.l), e.a, e.sum))
              end
            end
            local removed, retry = '0', window
            for _, x in ipairs(redis.call('LRANGE', key, 0, -1)) do
              local _, last, a = bucket(x)
              removed = add(removed, a)
              if cmp(d.total, add(max, removed)) <= 0 then
                retry = last + window - now
                break
              end
            end
            return {'refused', tostring(i - 1), us(retry)}
          end
        end
        local result = {'counted'}
        local members = {}
        local longest = 0
        for i = 1, n do
          local key = KEYS[i + 1]
          local window = tonumber(ARGV[(i - 1) * 4 + 2])
          local amount = ARGV[(i - 1) * 4 + 3]
          local d = seen[i]
          local opened
          if d.o and now - d.o < math.max(1, math.floor(window / 1024)) then
            redis.call('LSET', key, -1, text(d.text_o, us(math.max(d.l, now)), add(d.a, amount), d.total))
            opened = d.text_o
          else
            if d.o then redis.call('LSET', key, -1, text(d.text_o, us(d.l), d.a)) end
            opened = nowText
            redis.call('RPUSH', key, text(opened, opened, amount, d.total))
          end
          redis.call('PEXPIRE', key, math.floor(window / 1000) + 1000)
          members[2 * i - 1] = us(now + window)
          members[2 * i] = ARGV[(i - 1) * 4 + 5]
          if window > longest then longest = window end
          result[i + 1] = opened
        end
        -- The index only grows when a counter joins it, so that is when its departed counters are removed; its
        -- expiry covers its furthest counter: moved on only when this decision's would outlast it (by 0.5 s).
        if redis.call('ZADD', KEYS[1], unpack(members)) > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowText)
        end
        local expiry = math.floor(longest / 1000) + 1000
        if redis.call('PTTL', KEYS[1]) < expiry - 500 then
          redis.call('PEXPIRE', KEYS[1], expiry)
        end
        return result
        """;

    /// <summary>
    /// KEYS and ARGV as <see cref="Count"/>'s. What it would answer now, writing nothing: {'fits'} or {'refused',
    /// index, retry-after µs}. Every bucket is read (the buckets that left the window are skipped, not popped), in
    /// either layout: it is asked only before a person is (docs/approval.md), not on every call.
    /// </summary>
    public const string Check = Decimals + """
        local n = tonumber(ARGV[1])
        for i = 1, n do
          local window = tonumber(ARGV[(i - 1) * 4 + 2])
          local amount = ARGV[(i - 1) * 4 + 3]
          local max = ARGV[(i - 1) * 4 + 4]
          local live, sum = {}, '0'
          for _, x in ipairs(redis.call('LRANGE', KEYS[i + 1], 0, -1)) do
            local l, a
            if older(x) then
              local _, ol, oa = string.match(x, '^(%d+) (%d+) (%S+)$')
              l, a = tonumber(ol), oa
            else
              local _, bl, ba = bucket(x)
              l, a = bl, ba
            end
            if l > now - window then
              sum = add(sum, a)
              live[#live + 1] = {l, a}
            end
          end
          local total = add(sum, amount)
          if cmp(total, max) > 0 then
            local removed, retry = '0', window
            for _, x in ipairs(live) do
              removed = add(removed, x[2])
              if cmp(total, add(max, removed)) <= 0 then
                retry = x[1] + window - now
                break
              end
            end
            return {'refused', tostring(i - 1), us(retry)}
          end
        end
        return {'fits'}
        """;

    /// <summary>
    /// KEYS: one counter. ARGV: the bucket (µs it opened) and the amount to take back out of it, and out of the
    /// counter's total. The newest bucket is looked at first (a call is mostly given back at once); an older one
    /// is searched for. Returns 0 when the bucket has left the window (nothing to give back).
    /// </summary>
    public const string GiveBack = Decimals + """
        local key = KEYS[1]
        local b = newest(key)
        if not b then return 0 end
        local _, l, a, o, total = bucket(b)
        if o == ARGV[1] then
          local left = sub(a, ARGV[2])
          redis.call('LSET', key, -1, text(o, us(l), left, sub(total, sub(a, left))))
          return 1
        end
        local buckets = redis.call('LRANGE', key, 0, -2)
        for i, older_bucket in ipairs(buckets) do
          local _, ol, oa, oo = bucket(older_bucket)
          if oo == ARGV[1] then
            local left = sub(oa, ARGV[2])
            redis.call('LSET', key, i - 1, text(oo, us(ol), left))
            redis.call('LSET', key, -1, text(o, us(l), a, sub(total, sub(oa, left))))
            return 1
          end
        end
        return 0
        """;

    /// <summary>
    /// KEYS: one counter. ARGV: its window (µs). Returns {sum, µs until the oldest live bucket leaves} or {} when
    /// empty: the total less the buckets that have left the window but are not deleted yet (reading changes
    /// nothing). A counter still in the layout before totals is summed bucket by bucket.
    /// </summary>
    public const string Read = Decimals + """
        local window = tonumber(ARGV[1])
        local b = redis.call('LINDEX', KEYS[1], -1)
        if not b then return {} end
        local buckets = redis.call('LRANGE', KEYS[1], 0, -1)
        if older(b) then
          local sum, oldest = '0', nil
          for _, x in ipairs(buckets) do
            local _, l, a = string.match(x, '^(%d+) (%d+) (%S+)$')
            if tonumber(l) > now - window then
              sum = add(sum, a)
              if not oldest then oldest = tonumber(l) end
            end
          end
          if not oldest then return {} end
          return {sum, us(oldest + window - now)}
        end
        local _, _, _, _, sum = bucket(b)
        for _, x in ipairs(buckets) do
          local _, l, a = bucket(x)
          if l > now - window then return {sum, us(l + window - now)} end
          sum = sub(sum, a)
        end
        return {}
        """;
}
