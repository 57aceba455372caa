using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.Cryptography.Tests;

/// <summary>The validators' cache of verified tokens: what it answers, for how long, how big it gets, and that it holds
/// digests, never a token.</summary>
public sealed class VerifiedTokenCacheTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private Clock _clock = null!;
    private VerifiedTokenCache<string> _cache = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new Clock();
        _cache = new VerifiedTokenCache<string>(_clock, Skew);
    }

    [Test]
    public void A_remembered_token_returns_its_answer_and_lifetime_and_any_other_token_misses()
    {
        var token = NewToken();
        var lifetime = new TokenLifetime(Now, Now + TimeSpan.FromHours(1));
        _cache.Add(token, "caller-1", lifetime);

        var hit = _cache.TryGet(token, out var answer, out var remembered);
        var changed = _cache.TryGet(token[..^1] + (token[^1] == 'a' ? 'b' : 'a'), out _, out _);

        Assert.That((hit, answer == "caller-1", remembered == lifetime, changed), Is.EqualTo((true, true, true, false)));
    }

    [Test]
    public void An_entry_lives_until_the_tokens_expiry_plus_the_clock_skew()
    {
        var token = NewToken();
        _cache.Add(token, "caller", new TokenLifetime(null, Now + TimeSpan.FromMinutes(1)));

        _clock.Now = Now + TimeSpan.FromMinutes(1) + Skew - TimeSpan.FromTicks(1);
        var before = _cache.TryGet(token, out _, out _);
        _clock.Now = Now + TimeSpan.FromMinutes(1) + Skew;
        var at = _cache.TryGet(token, out _, out _);

        Assert.That((before, at, _cache.Count), Is.EqualTo((true, false, 0)), "dropped when its time is over");
    }

    [Test]
    public void An_entry_lives_at_most_five_minutes_however_long_the_token_lives()
    {
        var token = NewToken();
        _cache.Add(token, "caller", new TokenLifetime(null, Now + TimeSpan.FromDays(1)));

        _clock.Now = Now + VerifiedTokenCache<string>.MaxLifetime - TimeSpan.FromTicks(1);
        var before = _cache.TryGet(token, out _, out _);
        _clock.Now = Now + VerifiedTokenCache<string>.MaxLifetime;
        var at = _cache.TryGet(token, out _, out _);

        Assert.That((VerifiedTokenCache<string>.MaxLifetime, before, at), Is.EqualTo((TimeSpan.FromMinutes(5), true, false)));
    }

    [Test]
    public void A_token_already_past_its_expiry_and_skew_is_not_added()
    {
        _cache.Add(NewToken(), "caller", new TokenLifetime(null, Now - Skew));

        Assert.That(_cache.Count, Is.Zero);
    }

    [Test]
    public void A_full_cache_drops_its_expired_entries_first_and_starts_over_when_none_had_expired()
    {
        for (var i = 0; i < VerifiedTokenCache<string>.Capacity - 10; i++)
        {
            _cache.Add(NewToken(), "short", new TokenLifetime(null, Now + TimeSpan.FromMinutes(1)));
        }

        for (var i = 0; i < 10; i++)
        {
            _cache.Add(NewToken(), "long", new TokenLifetime(null, Now + TimeSpan.FromHours(1)));
        }

        var full = _cache.Count;
        _clock.Now = Now + TimeSpan.FromMinutes(2);
        _cache.Add(NewToken(), "one more", new TokenLifetime(null, Now + TimeSpan.FromHours(1)));
        var swept = _cache.Count;
        for (var i = swept; i < VerifiedTokenCache<string>.Capacity; i++)
        {
            _cache.Add(NewToken(), "live", new TokenLifetime(null, Now + TimeSpan.FromHours(1)));
        }

        var refilled = _cache.Count;
        _cache.Add(NewToken(), "overflow", new TokenLifetime(null, Now + TimeSpan.FromHours(1)));

        Assert.That((full, swept, refilled, _cache.Count), Is.EqualTo((VerifiedTokenCache<string>.Capacity, 11, VerifiedTokenCache<string>.Capacity, 1)));
    }

    [Test]
    public void The_cache_never_holds_the_token_only_its_digest()
    {
        var token = NewToken();
        _cache.Add(token, "caller", new TokenLifetime(Now, Now + TimeSpan.FromHours(1)));
        _cache.TryGet(token, out _, out _);

        // The check can fail: a cache whose answer is the token itself is caught.
        var leaky = new VerifiedTokenCache<string>(_clock, Skew);
        leaky.Add(token, new string(token.AsSpan()), new TokenLifetime(Now, Now + TimeSpan.FromHours(1)));

        Assert.That((Reaches(_cache, token), Reaches(leaky, token)), Is.EqualTo((false, true)));
    }

    [TestCase(-60, false, TokenLifetimeCheck.Valid)]
    [TestCase(29, false, TokenLifetimeCheck.Valid)]
    [TestCase(30, false, TokenLifetimeCheck.Expired)]
    [TestCase(-30, true, TokenLifetimeCheck.Valid)]
    [TestCase(-31, true, TokenLifetimeCheck.NotYetValid)]
    public void A_lifetime_allows_the_clock_skew_either_way(int secondsFromBoundary, bool beforeNotBefore, TokenLifetimeCheck expected)
    {
        // Not before 09:00, expires 10:00; the offset is from 10:00, or from 09:00 when checking not-before.
        var lifetime = new TokenLifetime(Now, Now + TimeSpan.FromHours(1));
        var at = (beforeNotBefore ? Now : Now + TimeSpan.FromHours(1)) + TimeSpan.FromSeconds(secondsFromBoundary);

        Assert.That(lifetime.At(at, Skew), Is.EqualTo(expected));
    }

    private static string NewToken() => "eyJ." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) + ".sig";

    /// <summary>Whether any string, char array or byte array (UTF-8) reachable from <paramref name="root"/>'s fields
    /// contains <paramref name="token"/>.</summary>
    private static bool Reaches(object root, string token)
    {
        var utf8 = Encoding.UTF8.GetBytes(token);
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>([root]);
        while (pending.TryPop(out var item))
        {
            if (!seen.Add(item) || item is Type or MemberInfo or Delegate or TimeProvider)
            {
                continue;
            }

            switch (item)
            {
                case string text when text.Contains(token, StringComparison.Ordinal):
                case char[] chars when chars.AsSpan().IndexOf(token) >= 0:
                case byte[] bytes when bytes.AsSpan().IndexOf(utf8) >= 0:
                    return true;
                case string or char[] or byte[]:
                    continue;
                case Array array:
                    foreach (var element in array)
                    {
                        if (element is not null)
                        {
                            pending.Push(element);
                        }
                    }

                    continue;
            }

            for (var type = item.GetType(); type is not null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.FieldType.IsPrimitive && field.GetValue(item) is { } value)
                    {
                        pending.Push(value);
                    }
                }
            }
        }

        return false;
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = VerifiedTokenCacheTests.Now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
