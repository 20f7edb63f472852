package dev.aio4j.redis;

/**
 * The Lua scripts of {@link RedisQueue}: every step that touches more than one key, atomically.
 * Key layout (one hash tag, so a queue lives on one Redis Cluster slot):
 * {@code {q}:stream} (the jobs; group {@code workers}), {@code {q}:unfinished} (the join counter),
 * {@code {q}:delayed} (retries waiting out their backoff), {@code {q}:dead} (dead letters),
 * {@code {q}:events} (pub/sub: {@code zero}, {@code space}), {@code {q}:full} (set while a put
 * waits for room, so acks publish {@code space} only then).
 *
 * <p>Stream entry fields: {@code p} payload, {@code a} earlier deliveries (absent = 0; carried
 * across retries and releases), {@code j} job id (absent = the entry's own id). An acknowledged
 * entry is deleted, so the stream holds exactly the ready and pending jobs.
 *
 * <p>Fencing: a settling script first checks with {@code XPENDING id id 1} that the entry is still
 * pending on this consumer with the delivery counter this holder saw; otherwise it returns 0 and
 * changes nothing.
 */
final class Scripts {
    private Scripts() {}

    private static final String FENCE = """
            local function owned(s, g, id, c, n)
              local p = redis.call('XPENDING', s, g, id, id, 1)
              return #p == 1 and p[1][2] == c and tonumber(p[1][4]) == tonumber(n)
            end
            local function fields(s, id)
              local r = redis.call('XRANGE', s, id, id)
              local f = {}
              if #r == 1 then
                local kv = r[1][2]
                for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
              end
              return f
            end
            local function done(unf, events, full)
              local u = redis.call('DECR', unf)
              if u <= 0 then redis.call('PUBLISH', events, 'zero') end
              if redis.call('DEL', full) == 1 then redis.call('PUBLISH', events, 'space') end
            end
            """;

    /** KEYS stream, unfinished, full; ARGV maxsize, payload → the new id, or nil when full. */
    static final String PUT = """
            local max = tonumber(ARGV[1])
            if max > 0 then
              local u = tonumber(redis.call('GET', KEYS[2]) or '0')
              if u >= max then
                redis.call('SET', KEYS[3], '1', 'PX', 60000)
                return false
              end
            end
            local id = redis.call('XADD', KEYS[1], '*', 'p', ARGV[2])
            redis.call('INCR', KEYS[2])
            return id
            """;

    /** KEYS stream, unfinished, events, full; ARGV group, id, consumer, count → 1 acked, 0 fenced. */
    static final String ACK = FENCE + """
            if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('XDEL', KEYS[1], ARGV[2])
              done(KEYS[2], KEYS[3], KEYS[4])
            end
            return 1
            """;

    /** KEYS stream; ARGV group, id, consumer, count, idleMs → 1 renewed, 0 fenced. */
    static final String EXTEND = FENCE + """
            if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'IDLE', ARGV[5], 'JUSTID')
            return 1
            """;

    /**
     * KEYS stream, delayed; ARGV group, id, consumer, count, delayMs, attempts → 1 scheduled,
     * 0 fenced. Without a delay the job goes straight back to the stream's tail.
     */
    static final String RETRY = FENCE + """
            if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            local f = fields(KEYS[1], ARGV[2])
            local job = f['j'] or ARGV[2]
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            local delay = tonumber(ARGV[5])
            if delay <= 0 then
              redis.call('XADD', KEYS[1], '*', 'p', f['p'], 'a', ARGV[6], 'j', job)
            else
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
              redis.call('ZADD', KEYS[2], now + delay, cmsgpack.pack({job, ARGV[6], f['p']}))
            end
            return 1
            """;

    /** KEYS stream; ARGV group, id, consumer, count, attempts → 1 released, 0 fenced. */
    static final String RELEASE = FENCE + """
            if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            local f = fields(KEYS[1], ARGV[2])
            local job = f['j'] or ARGV[2]
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            redis.call('XADD', KEYS[1], '*', 'p', f['p'], 'a', ARGV[5], 'j', job)
            return 1
            """;

    /**
     * KEYS stream, unfinished, events, full, dead; ARGV group, id, consumer, count, reason,
     * deliveries → 1 dead-lettered, 0 fenced.
     */
    static final String DEAD = FENCE + """
            if not owned(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            local f = fields(KEYS[1], ARGV[2])
            local job = f['j'] or ARGV[2]
            redis.call('XADD', KEYS[5], '*', 'p', f['p'], 'reason', ARGV[5], 'deliveries', ARGV[6],
                       'consumer', ARGV[3], 'j', job)
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            done(KEYS[2], KEYS[3], KEYS[4])
            return 1
            """;

    /**
     * KEYS stream, unfinished, events, full, dead; ARGV group, consumer, minIdleMs, cursor, count,
     * maxDeliveries → {next cursor, {{id, job, payload, count, attempts}...}}. Claims idle entries
     * (XAUTOCLAIM); an entry whose total deliveries would exceed maxDeliveries is dead-lettered
     * instead; entries deleted while pending (7.0 reports them) are counted done once.
     */
    static final String CLAIM = FENCE + """
            local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
            local out = {}
            if r[3] then
              for _ = 1, #r[3] do done(KEYS[2], KEYS[3], KEYS[4]) end
            end
            local max = tonumber(ARGV[6])
            for _, e in ipairs(r[2]) do
              local id = e[1]
              local kv = e[2]
              local f = {}
              if kv then for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end end
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
              local n = tonumber(p[1][4])
              local a = tonumber(f['a'] or '0')
              local job = f['j'] or id
              if f['p'] == nil then
                redis.call('XACK', KEYS[1], ARGV[1], id)
                done(KEYS[2], KEYS[3], KEYS[4])
              elseif a + n > max then
                redis.call('XADD', KEYS[5], '*', 'p', f['p'], 'reason',
                           'delivered ' .. (a + n - 1) .. ' times (maxDeliveries ' .. max .. '); its last lease expired',
                           'deliveries', a + n - 1, 'consumer', ARGV[2], 'j', job)
                redis.call('XACK', KEYS[1], ARGV[1], id)
                redis.call('XDEL', KEYS[1], id)
                done(KEYS[2], KEYS[3], KEYS[4])
              else
                out[#out + 1] = {id, job, f['p'], n, a}
              end
            end
            return {r[1], out}
            """;

    /**
     * KEYS stream; ARGV group, consumer, limit → {{id, job, payload, count, attempts}...}: the jobs
     * already pending on this consumer (a restart under the same consumer name), their leases
     * renewed ({@code XCLAIM ... JUSTID} keeps the counter).
     */
    static final String RECOVER = """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', tonumber(ARGV[3]), ARGV[2])
            local out = {}
            for _, e in ipairs(p) do
              local id = e[1]
              local r = redis.call('XRANGE', KEYS[1], id, id)
              if #r == 1 then
                local kv = r[1][2]
                local f = {}
                for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, id, 'JUSTID')
                out[#out + 1] = {id, f['j'] or id, f['p'], tonumber(e[4]), tonumber(f['a'] or '0')}
              end
            end
            return out
            """;

    /**
     * KEYS stream; ARGV group, self, minIdleMs → how many stale consumers were deleted: those
     * (other than self) with no pending entry, idle longer than minIdleMs. Consumers that still
     * hold entries are left alone: their entries are claimed first (deleting a consumer with
     * pending entries would make them unclaimable).
     */
    static final String CLEAN = """
            local n = 0
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local m = {}
              for i = 1, #c, 2 do m[c[i]] = c[i + 1] end
              if m['name'] ~= ARGV[2] and tonumber(m['pending']) == 0 and tonumber(m['idle']) > tonumber(ARGV[3]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], m['name'])
                n = n + 1
              end
            end
            return n
            """;

    /** KEYS stream, delayed; ARGV limit → how many due retries were moved back to the stream. */
    static final String MOVE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
            for _, m in ipairs(due) do
              redis.call('ZREM', KEYS[2], m)
              local j = cmsgpack.unpack(m)
              redis.call('XADD', KEYS[1], '*', 'p', j[3], 'a', j[2], 'j', j[1])
            end
            return #due
            """;

    /**
     * KEYS stream, unfinished, dead, delayed; ARGV group →
     * {length, pending, unfinished, dead, delayed, {name, idleMs, ...}}.
     */
    static final String STATS = """
            local len = redis.call('XLEN', KEYS[1])
            local pending = redis.call('XPENDING', KEYS[1], ARGV[1])[1]
            local u = tonumber(redis.call('GET', KEYS[2]) or '0')
            local dead = redis.call('XLEN', KEYS[3])
            local delayed = redis.call('ZCARD', KEYS[4])
            local cs = {}
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local m = {}
              for i = 1, #c, 2 do m[c[i]] = c[i + 1] end
              cs[#cs + 1] = m['name']
              cs[#cs + 1] = m['idle']
            end
            return {len, pending, u, dead, delayed, cs}
            """;

    /**
     * KEYS stream, unfinished, delayed, events; → the new unfinished count: every job still in the
     * stream (ready or pending) or delayed.
     */
    static final String RECONCILE = """
            local u = redis.call('XLEN', KEYS[1]) + redis.call('ZCARD', KEYS[3])
            redis.call('SET', KEYS[2], u)
            if u == 0 then redis.call('PUBLISH', KEYS[4], 'zero') end
            return u
            """;

    /** KEYS stream, unfinished, dead; ARGV limit → how many dead letters went back to the stream. */
    static final String REQUEUE = """
            local r = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', tonumber(ARGV[1]))
            for _, e in ipairs(r) do
              local kv = e[2]
              local f = {}
              for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
              redis.call('XADD', KEYS[1], '*', 'p', f['p'], 'a', '0', 'j', f['j'] or e[1])
              redis.call('INCR', KEYS[2])
              redis.call('XDEL', KEYS[3], e[1])
            end
            return #r
            """;
}
