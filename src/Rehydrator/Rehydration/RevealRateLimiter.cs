using System.Collections.Concurrent;

namespace PrivateInference.Rehydrator.Rehydration;

/// <summary>
/// Per-caller limit on values revealed or masked per minute: bulk-export protection. A token bucket per caller (tenant
/// and subject) that holds a minute's allowance and refills continuously.
/// </summary>
/// <remarks>
/// <para>In memory, per replica: with N replicas behind a load balancer a caller can get up to N times the limit. A
/// shared limiter (e.g. in the vault's PostgreSQL or a cache) is future work; the vault's audit trail records every
/// reveal either way.</para>
/// <para>A request is all or nothing: it takes its whole count or nothing, so a refused request reveals nothing. A
/// request that needs more than one minute's allowance is always refused. Buckets that have refilled completely are
/// dropped (a new one starts full, so nothing is lost), which bounds memory by the callers active in the last minute.</para>
/// </remarks>
public sealed class RevealRateLimiter
{
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<(string Tenant, string Subject), Bucket> _buckets = new();
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private long _calls;

    /// <summary>A limiter allowing <paramref name="perMinute"/> values per caller per minute.</summary>
    public RevealRateLimiter(int perMinute, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perMinute);
        PerMinute = perMinute;
        _perSecond = perMinute / 60.0;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Values a caller may have revealed or masked in any minute.</summary>
    public int PerMinute { get; }

    /// <summary>Callers with a bucket that has not refilled yet.</summary>
    public int TrackedCallers => _buckets.Count;

    /// <summary>Takes <paramref name="count"/> from the caller's allowance, or nothing when it does not hold that many.</summary>
    public bool TryAcquire(string tenantId, string subject, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return true;
        }

        if (Interlocked.Increment(ref _calls) % SweepEvery == 0)
        {
            Sweep();
        }

        var now = _time.GetTimestamp();
        while (true)
        {
            var bucket = _buckets.GetOrAdd((tenantId, subject), _ => new Bucket(PerMinute, now));
            lock (bucket)
            {
                if (bucket.Retired)
                {
                    continue;
                }

                bucket.Refill(now, PerMinute, _perSecond, _time);
                if (bucket.Tokens < count)
                {
                    return false;
                }

                bucket.Tokens -= count;
                return true;
            }
        }
    }

    /// <summary>Gives back what a request took but did not use (tokens the vault did not know, a failed vault call).</summary>
    public void Refund(string tenantId, string subject, int count)
    {
        if (count <= 0 || !_buckets.TryGetValue((tenantId, subject), out var bucket))
        {
            return;
        }

        lock (bucket)
        {
            bucket.Tokens = Math.Min(PerMinute, bucket.Tokens + count);
        }
    }

    /// <summary>Drops the buckets that have refilled completely.</summary>
    internal void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                bucket.Refill(now, PerMinute, _perSecond, _time);
                if (bucket.Tokens >= PerMinute && _buckets.TryRemove(new KeyValuePair<(string, string), Bucket>(key, bucket)))
                {
                    bucket.Retired = true;
                }
            }
        }
    }

    private sealed class Bucket(int tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        public bool Retired { get; set; }

        private long At { get; set; } = at;

        public void Refill(long now, int capacity, double perSecond, TimeProvider time)
        {
            if (now > At)
            {
                Tokens = Math.Min(capacity, Tokens + (time.GetElapsedTime(At, now).TotalSeconds * perSecond));
                At = now;
            }
        }
    }
}
