using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Cryptography;

/// <summary>What a lifetime check of a token found.</summary>
public enum TokenLifetimeCheck
{
    /// <summary>Within its lifetime (allowing the clock skew).</summary>
    Valid = 0,

    /// <summary>At or past <c>exp</c> plus the clock skew.</summary>
    Expired = 1,

    /// <summary>Before <c>nbf</c> less the clock skew.</summary>
    NotYetValid = 2,
}

/// <summary>A token's <c>nbf</c> (if it has one) and <c>exp</c>, as its validator read them from the verified token.</summary>
public readonly record struct TokenLifetime(DateTimeOffset? NotBefore, DateTimeOffset Expires)
{
    /// <summary>Whether the token is valid at <paramref name="now"/>, allowing <paramref name="clockSkew"/> either way.</summary>
    public TokenLifetimeCheck At(DateTimeOffset now, TimeSpan clockSkew) =>
        now - clockSkew >= Expires ? TokenLifetimeCheck.Expired
        : NotBefore is { } notBefore && now + clockSkew < notBefore ? TokenLifetimeCheck.NotYetValid
        : TokenLifetimeCheck.Valid;
}

/// <summary>
/// What a token validator made of the bearer tokens it verified (signature, issuer, audience, claims), so a caller that
/// presents the same token on every call pays the signature check once per token, not per call. One per validator.
/// </summary>
/// <typeparam name="T">The validator's answer for the token (the caller it names).</typeparam>
/// <remarks>
/// <para>Keyed by the SHA-256 of the token's UTF-8 bytes: the cache holds no credential, and a lookup compares digests,
/// never a stored token. A changed or forged token has another digest, misses and is verified in full.</para>
/// <para>An entry lives until the token's <c>exp</c> plus the validator's clock skew (the last moment the validator
/// accepts it anyway) and at most <see cref="MaxLifetime"/>, by the validator's clock. The entry returns the token's
/// <see cref="TokenLifetime"/> with the answer and the validator checks it on every call, cached or not, so a cached
/// token is refused exactly when, and as, an uncached one would be: the cache never extends a token's life.</para>
/// <para>Only the validator's accepted answers are added: a refused token is verified, and refused, every time.</para>
/// <para>At most <see cref="Capacity"/> entries: when full, expired entries go, and if none had, all of them. Clear on
/// overflow rather than LRU: no bookkeeping on a hit and an exact bound; each entry needs a token the issuer signed,
/// so a flood of them costs verifications, never memory.</para>
/// </remarks>
public sealed class VerifiedTokenCache<T>
    where T : class
{
    /// <summary>The most tokens remembered.</summary>
    public const int Capacity = 4096;

    /// <summary>The longest a verified token is answered from the cache, however long it lives.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<TokenDigest, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _clockSkew;

    /// <param name="time">The validator's clock.</param>
    /// <param name="clockSkew">The validator's allowance for clocks that disagree, added to <c>exp</c>.</param>
    public VerifiedTokenCache(TimeProvider time, TimeSpan clockSkew)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(clockSkew, TimeSpan.Zero);
        _time = time;
        _clockSkew = clockSkew;
    }

    /// <summary>How many tokens are remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>The answer and lifetime remembered for <paramref name="token"/>; false when it is not remembered or its
    /// time in the cache is over (the entry is dropped).</summary>
    public bool TryGet(string token, [MaybeNullWhen(false)] out T answer, out TokenLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(token);
        var digest = TokenDigest.Of(token);
        if (_entries.TryGetValue(digest, out var entry))
        {
            if (_time.GetUtcNow() < entry.Until)
            {
                (answer, lifetime) = (entry.Answer, entry.Lifetime);
                return true;
            }

            _entries.TryRemove(KeyValuePair.Create(digest, entry));
        }

        (answer, lifetime) = (null, default);
        return false;
    }

    /// <summary>Remembers the validator's answer for a token it accepted just now.</summary>
    public void Add(string token, T answer, TokenLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(answer);
        var now = _time.GetUtcNow();
        var latest = now + MaxLifetime;
        var until = lifetime.Expires + _clockSkew < latest ? lifetime.Expires + _clockSkew : latest;
        if (until <= now)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until <= now)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            if (_entries.Count >= Capacity)
            {
                _entries.Clear();
            }
        }

        _entries[TokenDigest.Of(token)] = new Entry(answer, lifetime, until);
    }

    /// <summary>Until when <paramref name="token"/> is answered from the cache; null if it is not remembered (tests).</summary>
    internal DateTimeOffset? CachedUntil(string token) => _entries.TryGetValue(TokenDigest.Of(token), out var entry) ? entry.Until : null;

    private sealed record Entry(T Answer, TokenLifetime Lifetime, DateTimeOffset Until);

    /// <summary>The SHA-256 of a token's UTF-8 bytes: the cache key, so the cache holds no token.</summary>
    private readonly record struct TokenDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenDigest Of(string token)
        {
            var maxBytes = Encoding.UTF8.GetMaxByteCount(token.Length);
            var rented = maxBytes <= 4096 ? null : ArrayPool<byte>.Shared.Rent(maxBytes);
            Span<byte> utf8 = rented ?? stackalloc byte[4096];
            var written = 0;
            try
            {
                Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
                written = Encoding.UTF8.GetBytes(token, utf8);
                SHA256.HashData(utf8[..written], hash);
                return new TokenDigest(
                    BinaryPrimitives.ReadUInt64LittleEndian(hash),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
            }
            finally
            {
                // The bearer token's bytes do not outlive the hashing, on the stack or in a pooled array.
                utf8[..written].Clear();
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}
