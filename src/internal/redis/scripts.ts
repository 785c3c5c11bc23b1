/**
 * The Lua scripts of the Redis backend, and how they are defined on a client
 * and called. Every write is one script that writes the key and its index
 * entry together, so nothing is ever half-written; `keys`, `entries`, `clear`
 * and retention read the index, never the keyspace, so they cost what the
 * namespace holds. Each script says which keys (KEYS) and arguments (ARGV)
 * it takes: the names come from keys.ts.
 *
 * @internal
 */
import type { Client } from "./connection.js"

/**
 * Shared by the scripts that write: the server's time, and `track`, which
 * scores a data key in the index by its expiry (`inf` without one, removed
 * when the key is gone) and drops the entries of keys that have expired.
 */
const TRACK = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function track(data, index, member)
  local now = now_ms()
  local p = redis.call('PTTL', data)
  if p == -2 then redis.call('ZREM', index, member)
  elseif p == -1 then redis.call('ZADD', index, 'inf', member)
  else redis.call('ZADD', index, now + p, member) end
  redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. now)
end
`

/** TYPE, then GET or LRANGE: `{0}` missing, `{1, text}` a value, `{2, items}` a list, `{3, type}` foreign data. */
const GET = `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'string' then return {1, redis.call('GET', KEYS[1])} end
if t == 'list' then return {2, redis.call('LRANGE', KEYS[1], 0, -1)} end
if t == 'none' then return {0} end
return {3, t}`

/**
 * Values without a TTL written together: `batch(index, key, text, member)`
 * queues one (its index entry scored `inf`), `flush(index)` writes those
 * queued with an MSET and a ZADD (a call from a script costs the server more
 * than the command itself). A batch is cut at Lua's unpack limit.
 */
const BATCH = `
local sets, members = {}, {}
local function flush(index)
  if #sets > 0 then
    redis.call('MSET', unpack(sets))
    redis.call('ZADD', index, unpack(members))
    sets, members = {}, {}
  end
end
local function batch(index, key, text, member)
  sets[#sets + 1] = key
  sets[#sets + 1] = text
  members[#members + 1] = 'inf'
  members[#members + 1] = member
  if #sets >= 4000 then flush(index) end
end
`

/**
 * The values set in one tick in one namespace (the results of a group's
 * members, typically), each as SET_VALUE writes it: one script call for all.
 * Values without a TTL are written together, in order (an MSET and a ZADD for
 * a run of them, where a SET and a ZADD each cost the server a call from the
 * script each); a value with a TTL writes the run before it first.
 * Called with the number of keys first. KEYS: index, data… ARGV: (text, ttl
 * ('' none), member)… per data key.
 */
const SET_VALUES = `${TRACK}${BATCH}
local now
for i = 2, #KEYS do
  local j = (i - 2) * 3
  local text, ttl, member = ARGV[j + 1], ARGV[j + 2], ARGV[j + 3]
  if ttl == '' then
    batch(KEYS[1], KEYS[i], text, member)
  else
    flush(KEYS[1])
    redis.call('SET', KEYS[i], text, 'PX', ttl)
    now = now or now_ms()
    redis.call('ZADD', KEYS[1], now + tonumber(ttl), member)
  end
end
flush(KEYS[1])
if now then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now) end
return 1`

/**
 * A value that is not an array: the most common write, so the shortest script.
 * Without a TTL the key never expires (index score `inf`); with one, its index
 * entry expires with it, and entries of keys that have expired are dropped
 * (only writes with a TTL add entries that expire, so pruning on those bounds
 * the index). KEYS: data, index. ARGV: text, ttl ('' none), member.
 */
const SET_VALUE = `${TRACK}
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], 'inf', ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  local now = now_ms()
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. now)
end
return 1`

/** An array written by set: the key becomes a list of its items ("[]" when empty). KEYS: data, index. ARGV: ttl ('' none), member, items… */
const SET_LIST = `${TRACK}
redis.call('DEL', KEYS[1])
if #ARGV > 2 then
  for i = 3, #ARGV, 4000 do
    redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 3999, #ARGV)))
  end
else
  redis.call('SET', KEYS[1], '[]')
end
if ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
track(KEYS[1], KEYS[2], ARGV[2])
return 1`

/**
 * RPUSH/LPUSH one item, creating the list, converting "[]"; ttl set or kept.
 * KEYS: data, index. ARGV: command, ttl ('' keep), item, member. `{n}` the new
 * length, `{-1, first character}` a non-list value, `{-2, type}` foreign data.
 */
const PUSH = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
local n
if t == 'string' then
  local v = redis.call('GET', KEYS[1])
  if v ~= '[]' then return {-1, string.sub(v, 1, 1)} end
  local kept = redis.call('PTTL', KEYS[1])
  redis.call('DEL', KEYS[1])
  n = redis.call(ARGV[1], KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) elseif kept > 0 then redis.call('PEXPIRE', KEYS[1], kept) end
elseif t == 'list' or t == 'none' then
  n = redis.call(ARGV[1], KEYS[1], ARGV[3])
  if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
else
  return {-2, t}
end
track(KEYS[1], KEYS[2], ARGV[4])
return {n}`

/**
 * Adds on doubles (Lua numbers are IEEE doubles, like JavaScript's) and stores
 * the sum with 17 significant digits, so it parses back to the same double;
 * keeps the TTL. KEYS: data, index. ARGV: delta, member. `{1, text}` the new
 * number, `{-1, first character or 'list'}` not a number, `{-2, type}` foreign
 * data, `{-3}` not finite.
 */
const ADD = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
local x
if t == 'none' then
  x = tonumber(ARGV[1])
else
  if t == 'list' then return {-1, 'list'} end
  if t ~= 'string' then return {-2, t} end
  local v = redis.call('GET', KEYS[1])
  local c = string.sub(v, 1, 1)
  if not (c == '-' or (c >= '0' and c <= '9')) then return {-1, c} end
  x = tonumber(v) + tonumber(ARGV[1])
end
if x ~= x or x == math.huge or x == -math.huge then return {-3} end
if x == 0 then x = 0 end
local s = string.format('%.17g', x)
if t == 'none' then redis.call('SET', KEYS[1], s) else redis.call('SET', KEYS[1], s, 'KEEPTTL') end
track(KEYS[1], KEYS[2], ARGV[2])
return {1, s}`

/**
 * Compare-and-set of a number (a typed atomicAdd whose schema checked the sum
 * in JavaScript): writes `next` only if the key still holds `expected` ('' for
 * missing); keeps the TTL. KEYS: data, index. ARGV: expected, next, member.
 * `1` written, `0` the value changed meanwhile.
 */
const SET_IF = `${TRACK}
local t = redis.call('TYPE', KEYS[1])['ok']
if ARGV[1] == '' then
  if t ~= 'none' then return 0 end
  redis.call('SET', KEYS[1], ARGV[2])
else
  if t ~= 'string' or redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
track(KEYS[1], KEYS[2], ARGV[3])
return 1`

/** KEYS: data, index. ARGV: member. The number of keys deleted. */
const DELETE = `
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return n`

/**
 * The live members of the index: those whose key is there. An entry whose key
 * is missing is left out but kept: on a cluster whose slot is moving, a key not
 * moved yet is missing here for a moment, and forgetting it would leave it out
 * of the index for good. Entries of keys that expired go by their score (every
 * write with a TTL drops them); a key deleted by another program stays listed
 * nowhere, its entry until the namespace's retention. KEYS: index. ARGV: data prefix.
 */
const LIVE = `
local function live(index, base)
  local out = {}
  for _, m in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    if redis.call('EXISTS', base .. m) == 1 then out[#out + 1] = m end
  end
  return out
end
`

const KEYS_ = `${LIVE}
return live(KEYS[1], ARGV[1])`

/**
 * Every live key with its value: `{member, 1, text, member, 2, items, …}`
 * (results left out, before anything is asked of them: a run's end reads
 * only its other keys; a missing key left out, its entry kept, as in LIVE).
 * KEYS: index. ARGV: data prefix.
 */
const ENTRIES = `
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, -11) ~= '.__result__' then
    local k = ARGV[1] .. m
    local t = redis.call('TYPE', k)['ok']
    if t == 'string' then out[#out + 1] = m; out[#out + 1] = 1; out[#out + 1] = redis.call('GET', k)
    elseif t == 'list' then out[#out + 1] = m; out[#out + 1] = 2; out[#out + 1] = redis.call('LRANGE', k, 0, -1)
    elseif t ~= 'none' then out[#out + 1] = m; out[#out + 1] = 3; out[#out + 1] = t end
  end
end
return out`

/** Removes every key but the results. KEYS: index. ARGV: data prefix. */
const CLEAR = `
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, -11) ~= '.__result__' then
    redis.call('UNLINK', ARGV[1] .. m)
    redis.call('ZREM', KEYS[1], m)
  end
end
return 1`

/**
 * Shared by RUN_END and the retentions: records how `owner`'s run ended (if it
 * is still the run's latest driver) and gives its lease up. A retention given
 * the run's end does both in one step, the end first (a run's end costs one
 * round trip, and nothing can come between them).
 */
const END_RUN = `
local function end_run(lease, record, owner, status, waiting)
  if redis.call('HGET', record, 'owner') == owner then
    local t = redis.call('TIME')
    redis.call('HSET', record, 'status', status, 'endedAt', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 'waitingFor', waiting)
  end
  if redis.call('GET', lease) == owner then redis.call('DEL', lease) end
end
`

/**
 * Removes every key of the namespace, results included, the index, the journal,
 * the responses, the run's record, its events and its lease (the run is given
 * up: a driver still holding the lease loses it, and stops at its next
 * renewal). KEYS: index, journal, response names, run record, run events, run
 * lease. ARGV: data prefix, response prefix, and for the run's end first
 * (optional) its owner, status and the names waited for (JSON).
 */
const DROP = `${END_RUN}
if ARGV[3] then end_run(KEYS[6], KEYS[4], ARGV[3], ARGV[4], ARGV[5]) end
-- The keys unlinked a few thousand at a time (one call each from the script cost more than the unlinking).
local keys = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  keys[#keys + 1] = ARGV[1] .. m
  if #keys == 4000 then
    redis.call('UNLINK', unpack(keys))
    keys = {}
  end
end
if #keys > 0 then redis.call('UNLINK', unpack(keys)) end
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('UNLINK', ARGV[2] .. m) end
redis.call('UNLINK', unpack(KEYS))
return 1`

/**
 * Every key of the namespace expires after `ms` at the latest (shorter TTLs are
 * kept), and the index, the journal, the responses, the run's record and its
 * events with them (not the run's lease, which has its own). KEYS: index,
 * journal, response names, run record, run events, run lease. ARGV: data
 * prefix, ms, response prefix, and for the run's end first (optional) its
 * owner, status and the names waited for (JSON).
 */
const EXPIRE = `${TRACK}${END_RUN}
if ARGV[4] then end_run(KEYS[6], KEYS[4], ARGV[4], ARGV[5], ARGV[6]) end
local ms = tonumber(ARGV[2])
local now = now_ms()
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local k = ARGV[1] .. m
  local p = redis.call('PTTL', k)
  if p == -1 or p > ms then redis.call('PEXPIRE', k, ms) end
  -- otherwise the key keeps its shorter TTL (or is missing: its entry is kept, as in LIVE). Entries keep their
  -- scores: the index expires with the keys (below), and until then a read checks that a key is there (LIVE).
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
for _, m in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('PEXPIRE', ARGV[3] .. m, ms) end
for i = 1, 5 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ms) end
end
return 1`

/**
 * Every live key with its kind, payload and PTTL, results included:
 * `{member, 1, text, pttl, member, 2, items, pttl, member, 3, type, pttl, …}`
 * (3: foreign data). KEYS: index. ARGV: data prefix.
 */
const DUMP = `${LIVE}
local out = {}
for _, m in ipairs(live(KEYS[1], ARGV[1])) do
  local k = ARGV[1] .. m
  local t = redis.call('TYPE', k)['ok']
  out[#out + 1] = m
  if t == 'string' then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('GET', k)
  elseif t == 'list' then
    out[#out + 1] = 2
    out[#out + 1] = redis.call('LRANGE', k, 0, -1)
  else
    out[#out + 1] = 3
    out[#out + 1] = t
  end
  out[#out + 1] = redis.call('PTTL', k)
end
return out`

/** Pushes ARGV[from..to] onto a list, in slices Lua's unpack can take. */
const PUSH_RANGE = `
local function push_range(key, from, to)
  for i = from, to, 4000 do
    redis.call('RPUSH', key, unpack(ARGV, i, math.min(i + 3999, to)))
  end
end
`

/**
 * Replaces the namespace's keys (and, with a journal, its journal) in one
 * step. KEYS: index, journal. ARGV: data prefix, with journal ('1'/'0'),
 * number of entries, then per entry: member, ttl ('' none), kind ('1' a value,
 * '2' a list), number of items, the items; then the journal's entries.
 * Values without a TTL (a checkpoint's results, mostly) are written together:
 * an MSET and a ZADD per 2,000 of them, not a SET and a ZADD each (a call from
 * the script costs the server more than the command itself).
 */
const RESTORE = `${TRACK}${PUSH_RANGE}${BATCH}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('UNLINK', ARGV[1] .. m) end
redis.call('DEL', KEYS[1])
-- Every key is written here with the TTL given: its index entry is scored from it (one clock read for all).
local now = now_ms()
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local m, ttl, kind, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local k = ARGV[1] .. m
  i = i + 4
  if kind == '1' and ttl == '' then
    batch(KEYS[1], k, ARGV[i], m)
  else
    if kind == '1' then redis.call('SET', k, ARGV[i])
    elseif n == 0 then redis.call('SET', k, '[]')
    else push_range(k, i, i + n - 1) end
    if ttl ~= '' then
      redis.call('PEXPIRE', k, ttl)
      redis.call('ZADD', KEYS[1], now + tonumber(ttl), m)
    else
      redis.call('ZADD', KEYS[1], 'inf', m)
    end
  end
  i = i + n
end
flush(KEYS[1])
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[2])
  if i <= #ARGV then push_range(KEYS[2], i, #ARGV) end
end
return 1`

/** The journal's entries, writing the header into an empty one. KEYS: journal. ARGV: header. */
const JOURNAL_OPEN = `
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LRANGE', KEYS[1], 0, -1)`

/**
 * A task's result and its journal entry, in one step, if the run is still
 * driven by `owner` (the owner of its latest lease: a driver the run was taken
 * over from writes nothing). KEYS: data, index, journal, run record. ARGV:
 * entry, member, owner, kind ('1' a value, '2' a list), the text or the items.
 * `1` written, `0` fenced out.
 */
const JOURNAL_APPEND = `${PUSH_RANGE}
if redis.call('HGET', KEYS[4], 'owner') ~= ARGV[3] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[4] == '1' then redis.call('SET', KEYS[1], ARGV[5])
elseif #ARGV == 4 then redis.call('SET', KEYS[1], '[]')
else push_range(KEYS[1], 5, #ARGV) end
redis.call('ZADD', KEYS[2], 'inf', ARGV[2])
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1`

/** A journal entry alone, if the run is still driven by `owner`. KEYS: journal, run record. ARGV: entry, owner. `1` written, `0` fenced out. */
const JOURNAL_RECORD = `
if redis.call('HGET', KEYS[2], 'owner') ~= ARGV[2] then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1`

/**
 * Queues a response if the run of the namespace takes one (running, suspended,
 * or failed or interrupted durably): in one step with the check, so a run
 * that ends meanwhile gets nothing. A run whose namespace already expires
 * (its retention was applied) gives the queue the same TTL. KEYS: the name's
 * list, the response names, the run record. ARGV: the response, the name's
 * member. `1` queued, `0` refused.
 */
const RESPOND = `
local f = redis.call('HMGET', KEYS[3], 'status', 'durable')
local s, d = f[1], f[2]
if not (s == 'running' or s == 'suspended' or ((s == 'failed' or s == 'interrupted') and d == '1')) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
local p = redis.call('PTTL', KEYS[3])
if p > 0 then
  redis.call('PEXPIRE', KEYS[1], p)
  redis.call('PEXPIRE', KEYS[2], p)
end
return 1`

/**
 * Takes a run's lease for `owner` when nobody else holds it, and records the
 * run as running (a new record: the latest driver's). KEYS: lease, run record.
 * ARGV: owner, lease ms, durable ('1'/'0'). `{1, startedAt}` taken, `{0, pttl}`
 * held by another driver for `pttl` more ms.
 */
const RUN_CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return {0, redis.call('PTTL', KEYS[1])} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local t = redis.call('TIME')
local started = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'status', 'running', 'owner', ARGV[1], 'durable', ARGV[3], 'startedAt', started)
return {1, started}`

/**
 * Keeps `owner`'s lease; takes it back when it lapsed and nobody took the run
 * over since (the record's owner is still `owner`). KEYS: lease, run record.
 * ARGV: owner, lease ms. `1` kept, `0` lost.
 */
const RUN_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder and redis.call('HGET', KEYS[2], 'owner') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`

/**
 * Records how `owner`'s run ended (if it is still the run's latest driver) and
 * gives its lease up. KEYS: lease, run record. ARGV: owner, status, the names
 * waited for (JSON).
 */
const RUN_END = `${END_RUN}
end_run(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3])
return 1`

/**
 * Puts a run in its workflow's index (a sorted set of run ids scored by their
 * first start: the server's time when first added, kept after) and keeps the
 * index at least as long as the run needs it: `keep` makes it persistent (a
 * kept, suspended or continuable run), a number of ms makes it last at least
 * that long (never shorter; a persistent one stays so). Called when the run
 * claims and renews its lease (a few leases ahead) and when it ends (its
 * retention). KEYS: index. ARGV: run id, 'keep' or ms.
 */
const INDEX_RUN = `
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'NX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
if ARGV[2] == 'keep' then redis.call('PERSIST', KEYS[1]) return 1 end
local p = redis.call('PTTL', KEYS[1])
if fresh or (p >= 0 and p < tonumber(ARGV[2])) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`

/**
 * Removes runs from a workflow's index if their entries are still the ones
 * that were read (same score): a run started again meanwhile keeps its new
 * entry. KEYS: index. ARGV: run id, score, …
 */
const INDEX_PRUNE = `
for i = 1, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i + 1]) then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return 1`

/**
 * Records an event of a namespace's run, if the run still has a record (a run
 * deleted meanwhile, or one without a record, gets none); a run's start makes
 * the list persistent (an earlier run of the id left it expiring: the run's
 * retention sets it again), and publishes it to the watchers (`RunEvents.watch`):
 * the namespace as a JSON string, a newline, the event. KEYS: events, run
 * record. ARGV: the event, '1' for a run's start, the Pub/Sub channel, the
 * namespace as JSON. `1` recorded, `0` not.
 */
const EVENT_APPEND = `
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
if ARGV[2] == '1' then redis.call('PERSIST', KEYS[1]) end
redis.call('PUBLISH', ARGV[3], ARGV[4] .. '\\n' .. ARGV[1])
return 1`

/** Deletes the lock key if it still holds our token. ARGV: token. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** Extends the lock's lease if it still holds our token. ARGV: token, lease ms. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

const scripts = {
  GET: [1, GET],
  SET_VALUE: [2, SET_VALUE],
  SET_VALUES: [undefined, SET_VALUES],
  SET_LIST: [2, SET_LIST],
  PUSH: [2, PUSH],
  ADD: [2, ADD],
  SET_IF: [2, SET_IF],
  DELETE: [2, DELETE],
  KEYS: [1, KEYS_],
  ENTRIES: [1, ENTRIES],
  CLEAR: [1, CLEAR],
  DROP: [6, DROP],
  EXPIRE: [6, EXPIRE],
  DUMP: [1, DUMP],
  RESTORE: [2, RESTORE],
  JOURNAL_OPEN: [1, JOURNAL_OPEN],
  JOURNAL_APPEND: [4, JOURNAL_APPEND],
  JOURNAL_RECORD: [2, JOURNAL_RECORD],
  RESPOND: [3, RESPOND],
  RUN_CLAIM: [2, RUN_CLAIM],
  RUN_RENEW: [2, RUN_RENEW],
  RUN_END: [2, RUN_END],
  INDEX_RUN: [1, INDEX_RUN],
  INDEX_PRUNE: [1, INDEX_PRUNE],
  EVENT_APPEND: [2, EVENT_APPEND],
  UNLOCK: [1, UNLOCK],
  RENEW: [1, RENEW]
} as const
type ScriptName = keyof typeof scripts
/** The command a script is defined as (the number changes when a script's keys or replies do). */
const commandName = (name: ScriptName) => `effectGraflow9${name}`

/** Runs a script defined on the client (EVALSHA, falling back to EVAL). */
export const runScript = (
  client: Client,
  name: ScriptName,
  keys: ReadonlyArray<string>,
  args: ReadonlyArray<string>
): Promise<unknown> => {
  // defineCommand adds the command as a method of the client at run time.
  const command: unknown = Reflect.get(client, commandName(name))
  if (typeof command !== "function") return Promise.reject(new Error(`script ${name} is not defined on the client`))
  return Promise.resolve(command.call(client, ...keys, ...args))
}

/** Runs a script defined without a number of keys: the keys are counted here. */
export const runScriptWithKeys = (client: Client, name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string>): Promise<unknown> =>
  runScript(client, name, [`${keys.length}`, ...keys], args)

export const defineScripts = (client: Client): void => {
  for (const name of Object.keys(scripts).filter((n): n is ScriptName => Object.hasOwn(scripts, n))) {
    const [numberOfKeys, lua] = scripts[name]
    const command = commandName(name)
    if (typeof Reflect.get(client, command) !== "function") {
      client.defineCommand(command, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua })
    }
  }
}
