using NUnit.Framework;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.Tests.Authorization;

/// <summary>The service token check and its cache of verified tokens: a token is verified once and then trusted only
/// until its own expiry (at most the cache lifetime); altered and refused tokens are never answered from the cache.</summary>
public sealed class ServiceTokenValidatorTests
{
    private KeyDirectory _folder = null!;
    private string _issuer = null!;
    private ServiceIdentityOptions _options = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = new KeyDirectory();
        _issuer = Path.Combine(_folder.Location, "issuer");
        ServiceTokens.InitializeSigningKey(_issuer);
        _options = new ServiceIdentityOptions { JwksFile = Path.Combine(_issuer, "jwks.json") };
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task A_token_presented_again_is_answered_from_the_cache_with_the_same_caller()
    {
        var validator = new ServiceTokenValidator(_options);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));

        var first = await validator.ValidateAsync(token);
        var second = await validator.ValidateAsync(token);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new Caller("svc:redactor", VaultRoles.Tokenizer)));
            Assert.That(second, Is.EqualTo(first));
            Assert.That(validator.CachedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_verified_token_is_trusted_until_its_expiry_or_the_cache_lifetime_whichever_comes_first()
    {
        var clock = new ManualClock();
        var validator = new ServiceTokenValidator(_options, clock);
        var longLived = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(2));
        var shortLived = ServiceTokens.Issue(_issuer, "svc:rehydrator", VaultRoles.Detokenizer, TimeSpan.FromMinutes(1));

        await validator.ValidateAsync(longLived);
        await validator.ValidateAsync(shortLived);

        Assert.Multiple(() =>
        {
            Assert.That(validator.CachedUntil(longLived), Is.EqualTo(clock.Now + ServiceTokenValidator.CacheLifetime));
            Assert.That(validator.CachedUntil(shortLived), Is.LessThanOrEqualTo(clock.Now + TimeSpan.FromMinutes(1)));
            Assert.That(validator.CachedUntil(shortLived), Is.GreaterThan(clock.Now));
        });
    }

    [Test]
    public async Task A_remembered_token_past_its_expiry_is_verified_again_and_no_longer_remembered()
    {
        var clock = new ManualClock();
        var validator = new ServiceTokenValidator(_options, clock);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromMinutes(1));
        await validator.ValidateAsync(token);

        // The cache's clock is past the token's expiry; the verification (system clock) still accepts it, so the
        // answer is the same, but it came from a fresh verification that found nothing more to remember.
        clock.Now += TimeSpan.FromMinutes(2);
        var again = await validator.ValidateAsync(token);

        Assert.Multiple(() =>
        {
            Assert.That(again.Subject, Is.EqualTo("svc:redactor"));
            Assert.That(validator.CachedUntil(token), Is.Null);
        });
    }

    [Test]
    public async Task An_altered_token_is_refused_although_the_original_is_remembered()
    {
        var validator = new ServiceTokenValidator(_options);
        var token = ServiceTokens.Issue(_issuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));
        await validator.ValidateAsync(token);
        var altered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

        var refusal = Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(altered));

        Assert.Multiple(() =>
        {
            Assert.That(refusal!.Kind, Is.EqualTo(VaultErrorKind.Unauthenticated));
            Assert.That(validator.CachedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void A_refused_token_is_refused_every_time_and_never_remembered()
    {
        var validator = new ServiceTokenValidator(_options);
        var otherIssuer = Path.Combine(_folder.Location, "other-issuer");
        ServiceTokens.InitializeSigningKey(otherIssuer);
        var foreign = ServiceTokens.Issue(otherIssuer, "svc:redactor", VaultRoles.Tokenizer, TimeSpan.FromHours(1));

        Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(foreign));
        Assert.ThrowsAsync<VaultException>(() => validator.ValidateAsync(foreign));
        Assert.That(validator.CachedCount, Is.Zero);
    }
}
