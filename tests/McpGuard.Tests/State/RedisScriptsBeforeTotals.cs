namespace McpGuard.Tests.State;

/// <summary>
/// The scripts of guards before counters kept their total (buckets "opened last amount", every bucket summed per
/// decision), verbatim from src/McpGuard.Session/State/RedisScripts.cs as it was: what an older guard sharing the Redis
/// runs against the counters a newer guard has moved over.
/// </summary>
internal static class RedisScriptsBeforeTotals
{
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
        local function cmp(a, b)
          local x, y = align(a, b)
          if x < y then return -1 elseif x > y then return 1 end
          return 0
        end
        local function add(a, b)
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
          local o, l, a = string.match(b, '^(%d+) (%d+) (%S+)$')
          return tonumber(o), tonumber(l), a, o
        end
        local function us(n) return string.format('%.0f', n) end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        """;

    /// <summary>
    /// KEYS: the namespace's index, then one counter per demand. ARGV: the demand count, then per demand its
    /// window (µs), amount, max and identity (JSON, the index's member). Returns {'counted', bucket per demand}
    /// or {'refused', index, retry-after µs}.
    /// </summary>
    public const string Count = Decimals + """
        local n = tonumber(ARGV[1])
        local lists = {}
        for i = 1, n do
          local key = KEYS[i + 1]
          local window = tonumber(ARGV[(i - 1) * 4 + 2])
          local amount = ARGV[(i - 1) * 4 + 3]
          local max = ARGV[(i - 1) * 4 + 4]
          while true do
            local head = redis.call('LINDEX', key, 0)
            if not head then break end
            local _, last = bucket(head)
            if last > now - window then break end
            redis.call('LPOP', key)
          end
          local buckets = redis.call('LRANGE', key, 0, -1)
          local sum = '0'
          for _, b in ipairs(buckets) do
            local _, _, a = bucket(b)
            sum = add(sum, a)
          end
          local total = add(sum, amount)
          if cmp(total, max) > 0 then
            local removed, retry = '0', window
            for _, b in ipairs(buckets) do
              local _, last, a = bucket(b)
              removed = add(removed, a)
              if cmp(total, add(max, removed)) <= 0 then
                retry = last + window - now
                break
              end
            end
            return {'refused', tostring(i - 1), us(retry)}
          end
        end
        local result = {'counted'}
        local longest = 0
        for i = 1, n do
          local key = KEYS[i + 1]
          local window = tonumber(ARGV[(i - 1) * 4 + 2])
          local amount = ARGV[(i - 1) * 4 + 3]
          local width = math.max(1, math.floor(window / 1024))
          local newest = redis.call('LINDEX', key, -1)
          local opened = nil
          if newest then
            local o, l, a, text = bucket(newest)
            if now - o < width then
              redis.call('LSET', key, -1, text .. ' ' .. us(math.max(l, now)) .. ' ' .. add(a, amount))
              opened = text
            end
          end
          if not opened then
            opened = us(now)
            redis.call('RPUSH', key, opened .. ' ' .. opened .. ' ' .. amount)
          end
          redis.call('PEXPIRE', key, math.floor(window / 1000) + 1000)
          redis.call('ZADD', KEYS[1], now + window, ARGV[(i - 1) * 4 + 5])
          if window > longest then longest = window end
          result[i + 1] = opened
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local furthest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        if furthest[2] then longest = math.max(longest, tonumber(furthest[2]) - now) end
        redis.call('PEXPIRE', KEYS[1], math.floor(longest / 1000) + 1000)
        return result
        """;

    /// <summary>KEYS: one counter. ARGV: the bucket (µs it opened) and the amount to take back out of it.</summary>
    public const string GiveBack = Decimals + """
        local buckets = redis.call('LRANGE', KEYS[1], 0, -1)
        for i, b in ipairs(buckets) do
          local _, l, a, text = bucket(b)
          if text == ARGV[1] then
            redis.call('LSET', KEYS[1], i - 1, text .. ' ' .. us(l) .. ' ' .. sub(a, ARGV[2]))
            return 1
          end
        end
        return 0
        """;

    /// <summary>
    /// KEYS: one counter. ARGV: its window (µs). Returns {sum, last µs of the oldest live bucket} or {} when empty.
    /// </summary>
    public const string Read = Decimals + """
        local window = tonumber(ARGV[1])
        local sum, oldest = '0', nil
        for _, b in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
          local _, l, a = bucket(b)
          if l > now - window then
            sum = add(sum, a)
            if not oldest then oldest = l end
          end
        end
        if not oldest then return {} end
        return {sum, us(oldest + window - now)}
        """;
}
