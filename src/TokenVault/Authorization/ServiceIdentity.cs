using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PrivateInference.Cryptography;

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
/// A token that passed is remembered (<see cref="VerifiedTokenCache{T}"/>, one per validator: keyed by the token's
/// SHA-256, until its expiry plus the clock skew, at most 5 minutes), so a service that presents the same token on every
/// call pays the ES256 verification once, not per call. Expiry and not-before are still checked on every call against
/// the injected clock, cached or not; refusals are never cached (every one is verified, refused and audited again). The
/// signing keys, issuer and audience are read once at construction, so a cached answer is the answer a fresh
/// verification would give until the token expires.
/// </remarks>
public sealed class ServiceTokenValidator
{
    /// <summary>Tolerance for clocks that disagree, applied to <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly TimeProvider _time;
    private readonly VerifiedTokenCache<Caller> _verified;

    /// <param name="options">Where the issuer's keys are and what tokens must say; read here, once.</param>
    /// <param name="time">The clock that expiry and not-before are checked against (tests); the system clock by default.</param>
    public ServiceTokenValidator(ServiceIdentityOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.JwksFile) || !File.Exists(options.JwksFile))
        {
            throw new InvalidOperationException($"{ServiceIdentityOptions.SectionName}:JwksFile must name the issuer's JWKS file.");
        }

        _time = time ?? TimeProvider.System;
        _verified = new VerifiedTokenCache<Caller>(_time, ClockSkew);
        var keys = new JsonWebKeySet(File.ReadAllText(options.JwksFile)).GetSigningKeys();
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            // Lifetime is checked below, against the injected clock (IdentityModel reads the system clock).
            ValidateLifetime = false,
        };
    }

    /// <summary>How many verified tokens are remembered (tests).</summary>
    internal int CachedCount => _verified.Count;

    /// <exception cref="VaultException">UNAUTHENTICATED when the token is missing, malformed, unsigned, signed
    /// by an unknown key, without expiry, expired, not yet valid, or for another issuer or audience.</exception>
    public async Task<Caller> ValidateAsync(string? bearerToken)
    {
        if (string.IsNullOrWhiteSpace(bearerToken))
        {
            throw new VaultException(VaultErrorKind.Unauthenticated, "A service token is required.", "unauthenticated");
        }

        if (_verified.TryGet(bearerToken, out var known, out var knownLifetime))
        {
            CheckLifetime(knownLifetime);
            return known;
        }

        var result = await _handler.ValidateTokenAsync(bearerToken, _parameters).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || !jwt.TryGetPayloadValue<long>("exp", out _))
        {
            throw NotValid();
        }

        var lifetime = new TokenLifetime(jwt.TryGetPayloadValue<long>("nbf", out _) ? new DateTimeOffset(jwt.ValidFrom, TimeSpan.Zero) : null, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
        CheckLifetime(lifetime);
        if (!result.Claims.TryGetValue("sub", out var sub) || sub is not string subject || subject.Length is 0 or > 128)
        {
            throw NotValid();
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
        _verified.Add(bearerToken, caller, lifetime);
        return caller;
    }

    private void CheckLifetime(TokenLifetime lifetime)
    {
        if (lifetime.At(_time.GetUtcNow(), ClockSkew) != TokenLifetimeCheck.Valid)
        {
            throw NotValid();
        }
    }

    private static VaultException NotValid() => new(VaultErrorKind.Unauthenticated, "The service token is not valid.", "unauthenticated");
}
