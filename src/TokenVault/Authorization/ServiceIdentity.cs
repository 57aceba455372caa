using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PrivateInference.TokenVault.Authorization;

/// <summary>Where the vault finds the keys that sign service tokens, and what the tokens must say.</summary>
public sealed class ServiceIdentityOptions
{
    public const string SectionName = "Vault:Identity";

    /// <summary>JWKS file with the public keys of the identity issuer (e.g. written by <c>pi identity init</c>).</summary>
    public string? JwksFile { get; set; }

    public string Issuer { get; set; } = ServiceTokens.DefaultIssuer;

    public string Audience { get; set; } = ServiceTokens.DefaultAudience;
}

/// <summary>
/// Service identity by signed service tokens: a short-lived JWT (ES256) naming the caller (<c>sub</c>, e.g.
/// "svc:redactor") and its vault roles (<c>pi_roles</c>: tokenizer, detokenizer, key-admin, auditor, eraser).
/// </summary>
/// <remarks>
/// Chosen over mTLS client certificates because the same verification serves every transport (gRPC over
/// loopback in tests, behind a mesh in production) and carries roles without a certificate profile; a mesh's
/// mTLS can still be layered under it. Signature, issuer, audience, expiry and not-before are all checked;
/// only ES256 is accepted, so an "alg: none" or HMAC-confused token never passes.
/// </remarks>
public static class ServiceTokens
{
    public const string DefaultIssuer = "privateinference-identity";
    public const string DefaultAudience = "privateinference-vault";
    public const string RolesClaim = "pi_roles";

    private static readonly (string Name, VaultRoles Role)[] RoleNames =
    [
        ("tokenizer", VaultRoles.Tokenizer),
        ("detokenizer", VaultRoles.Detokenizer),
        ("key-admin", VaultRoles.KeyAdmin),
        ("auditor", VaultRoles.Auditor),
        ("eraser", VaultRoles.Eraser),
    ];

    public static string RoleName(VaultRoles role) => RoleNames.Single(r => r.Role == role).Name;

    public static bool TryParseRole(string name, out VaultRoles role)
    {
        foreach (var (n, r) in RoleNames)
        {
            if (n == name)
            {
                role = r;
                return true;
            }
        }

        role = VaultRoles.None;
        return false;
    }

    /// <summary>Creates a signing key pair in <paramref name="directory"/> (private key PEM, mode 0600, and a
    /// JWKS with the public key) unless one is there. Development and tests only: production tokens come from
    /// the enterprise's issuer.</summary>
    public static void InitializeSigningKey(string directory)
    {
        Directory.CreateDirectory(directory);
        var keyFile = Path.Combine(directory, "signing-key.pem");
        var jwksFile = Path.Combine(directory, "jwks.json");
        if (File.Exists(keyFile) && File.Exists(jwksFile))
        {
            return;
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = ecdsa.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(keyFile, string.Empty);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(keyFile, pem);
        var publicKey = new ECDsaSecurityKey(ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false))) { KeyId = KeyIdOf(ecdsa) };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(publicKey);
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        File.WriteAllText(jwksFile, System.Text.Json.JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, use = jwk.Use, alg = jwk.Alg, kid = jwk.Kid, crv = jwk.Crv, x = jwk.X, y = jwk.Y } } }));
    }

    /// <summary>Issues a token signed with the development key in <paramref name="directory"/>.</summary>
    public static string Issue(string directory, string subject, VaultRoles roles, TimeSpan lifetime, string issuer = DefaultIssuer, string audience = DefaultAudience) =>
        IssueJwt(directory, issuer, audience, lifetime, new Dictionary<string, object>
        {
            ["sub"] = subject,
            [RolesClaim] = RoleNames.Where(r => (roles & r.Role) != 0).Select(r => r.Name).ToArray(),
        });

    /// <summary>Issues an ES256 JWT with these claims, signed with the development key in <paramref name="directory"/>
    /// (e.g. <c>pi dev-token</c>'s agent tokens for the Rehydrator). Development and tests only.</summary>
    public static string IssueJwt(string directory, string issuer, string audience, TimeSpan lifetime, IDictionary<string, object> claims)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(Path.Combine(directory, "signing-key.pem")));
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(Uncached(new ECDsaSecurityKey(ecdsa) { KeyId = KeyIdOf(ecdsa) }), SecurityAlgorithms.EcdsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>IdentityModel caches signature providers by key ID, and with them the key object: the next token of this
    /// issuer in the process would be signed with the ECDsa disposed after this one.</summary>
    internal static ECDsaSecurityKey Uncached(ECDsaSecurityKey key)
    {
        key.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        return key;
    }

    private static string KeyIdOf(ECDsa ecdsa) =>
        Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];
}

/// <summary>Turns a bearer token into a <see cref="Caller"/>, or refuses it.</summary>
/// <remarks>
/// A token that passed is remembered until its own expiry (at most <see cref="CacheLifetime"/>), so a service that
/// presents the same token on every call pays the ES256 verification once, not per call. The cache is keyed by the
/// SHA-256 of the token, so it holds no credential and looks up nothing an attacker can time against a stored token;
/// refusals are never cached (every one is verified, refused and audited again). The signing keys are read once at
/// start-up, so a cached answer is the answer a fresh verification would give until the token expires.
/// </remarks>
public sealed class ServiceTokenValidator
{
    /// <summary>The longest a verified token is trusted without verifying it again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most tokens remembered; a vault has a handful of callers, so more means churn and the cache starts over.</summary>
    internal const int CacheCapacity = 256;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<TokenDigest, Verified> _verified = new();

    /// <param name="options">Where the issuer's keys are and what tokens must say.</param>
    /// <param name="time">The clock the cache's expiry is read from (tests); the system clock by default. The
    /// verification itself reads the system clock.</param>
    public ServiceTokenValidator(ServiceIdentityOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.JwksFile) || !File.Exists(options.JwksFile))
        {
            throw new InvalidOperationException($"{ServiceIdentityOptions.SectionName}:JwksFile must name the issuer's JWKS file.");
        }

        _time = time ?? TimeProvider.System;
        var keys = new JsonWebKeySet(File.ReadAllText(options.JwksFile)).GetSigningKeys();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>How many verified tokens are remembered (tests).</summary>
    internal int CachedCount => _verified.Count;

    /// <summary>Until when <paramref name="bearerToken"/> is trusted without verification; null if it is not remembered (tests).</summary>
    internal DateTimeOffset? CachedUntil(string bearerToken) => _verified.TryGetValue(TokenDigest.Of(bearerToken), out var known) ? known.Until : null;

    /// <exception cref="VaultException">UNAUTHENTICATED when the token is missing, malformed, unsigned, signed
    /// by an unknown key, expired, not yet valid, or for another issuer or audience.</exception>
    public async Task<Caller> ValidateAsync(string? bearerToken)
    {
        if (string.IsNullOrWhiteSpace(bearerToken))
        {
            throw new VaultException(VaultErrorKind.Unauthenticated, "A service token is required.", "unauthenticated");
        }

        var digest = TokenDigest.Of(bearerToken);
        var now = _time.GetUtcNow();
        if (_verified.TryGetValue(digest, out var known) && now < known.Until)
        {
            return known.Caller;
        }

        var result = await _handler.ValidateTokenAsync(bearerToken, _parameters).ConfigureAwait(false);
        if (!result.IsValid || !result.Claims.TryGetValue("sub", out var sub) || sub is not string subject || subject.Length is 0 or > 128)
        {
            throw new VaultException(VaultErrorKind.Unauthenticated, "The service token is not valid.", "unauthenticated");
        }

        var roles = VaultRoles.None;
        if (result.Claims.TryGetValue(ServiceTokens.RolesClaim, out var claim))
        {
            IEnumerable<object> names = claim switch
            {
                string one => [one],
                IEnumerable<object> many => many,
                _ => [],
            };
            foreach (var name in names)
            {
                if (name?.ToString() is { } text && ServiceTokens.TryParseRole(text, out var role))
                {
                    roles |= role;
                }
            }
        }

        var caller = new Caller(subject, roles);
        Remember(digest, caller, result.SecurityToken.ValidTo, now);
        return caller;
    }

    private void Remember(TokenDigest digest, Caller caller, DateTime validTo, DateTimeOffset now)
    {
        // Until the token's own expiry (without the clock skew the verification allows), and not longer than the cache lifetime.
        var expires = new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc));
        var until = expires < now + CacheLifetime ? expires : now + CacheLifetime;
        if (until <= now)
        {
            _verified.TryRemove(digest, out _);
            return;
        }

        if (_verified.Count >= CacheCapacity)
        {
            // Expired entries go first; if every entry is live, the cache starts over rather than grow.
            foreach (var (key, entry) in _verified)
            {
                if (entry.Until <= now)
                {
                    _verified.TryRemove(key, out _);
                }
            }

            if (_verified.Count >= CacheCapacity)
            {
                _verified.Clear();
            }
        }

        _verified[digest] = new Verified(caller, until);
    }

    private sealed record Verified(Caller Caller, DateTimeOffset Until);

    /// <summary>The SHA-256 of a token's UTF-8 bytes: the cache key, so the cache holds no token.</summary>
    private readonly record struct TokenDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenDigest Of(string token)
        {
            var maxBytes = Encoding.UTF8.GetMaxByteCount(token.Length);
            var rented = maxBytes <= 4096 ? null : ArrayPool<byte>.Shared.Rent(maxBytes);
            Span<byte> utf8 = rented ?? stackalloc byte[4096];
            try
            {
                Span<byte> hash = stackalloc byte[32];
                SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(token, utf8)], hash);
                return new TokenDigest(
                    BinaryPrimitives.ReadUInt64LittleEndian(hash),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }
}
