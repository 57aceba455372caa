using System.Text.RegularExpressions;

namespace PrivateInference.TokenVault.Storage;

/// <summary>Argument checks both stores run before touching the database, so they refuse the same inputs
/// the same way (the PostgreSQL CHECK constraints stay as a second line). Messages name the argument, never its value.</summary>
internal static partial class VaultStoreChecks
{
    public const string SystemAuditTenant = "_system";
    public const int FingerprintLength = 32;
    public const int SubjectRefLength = 32;

    public static void TenantId(string tenantId, string name = "tenantId")
    {
        ArgumentNullException.ThrowIfNull(tenantId, name);
        if (!TenantIdPattern().IsMatch(tenantId))
        {
            throw new ArgumentException("Not a tenant ID: 1-63 characters of a-z, 0-9 and '-', not starting with '-'.", name);
        }
    }

    public static void AuditTenantId(string tenantId, string name)
    {
        if (!string.Equals(tenantId, SystemAuditTenant, StringComparison.Ordinal))
        {
            TenantId(tenantId, name);
        }
    }

    public static void TokenId(string tokenId, string name = "tokenId")
    {
        ArgumentNullException.ThrowIfNull(tokenId, name);
        if (!TokenIdPattern().IsMatch(tokenId))
        {
            throw new ArgumentException("Not a token ID: 8-26 Crockford base32 characters.", name);
        }
    }

    public static void EntityType(string entityType, string name)
    {
        ArgumentNullException.ThrowIfNull(entityType, name);
        if (!EntityTypePattern().IsMatch(entityType))
        {
            throw new ArgumentException("Not an entity type: A-Z, 0-9 and '_', starting with a letter, at most 32.", name);
        }
    }

    public static void Fingerprint(byte[] fingerprint, string name)
    {
        ArgumentNullException.ThrowIfNull(fingerprint, name);
        if (fingerprint.Length != FingerprintLength)
        {
            throw new ArgumentException("A fingerprint is 32 bytes.", name);
        }
    }

    public static void SubjectRef(ReadOnlySpan<byte> subjectRef, string name)
    {
        if (subjectRef.Length != SubjectRefLength)
        {
            throw new ArgumentException("A subject reference is 32 bytes.", name);
        }
    }

    public static void Version(int version, string name) => ArgumentOutOfRangeException.ThrowIfLessThan(version, 1, name);

    public static void TextOfLength(string value, int maxLength, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        if (value.Length > maxLength)
        {
            throw new ArgumentException("The text is too long.", name);
        }
    }

    public static void Tenant(TenantRecord tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        TenantId(tenant.TenantId, nameof(tenant));
        TextOfLength(tenant.KekRef, 128, nameof(tenant));
        Version(tenant.KekVersion, nameof(tenant));
        DefinedState(tenant.State, nameof(tenant));
    }

    public static void DataKey(DataKeyRecord key, string tenantId, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        if (!string.Equals(key.TenantId, tenantId, StringComparison.Ordinal))
        {
            throw new ArgumentException("Every data key must belong to the tenant of the call.", name);
        }

        if (!Enum.IsDefined(key.Purpose))
        {
            throw new ArgumentException("Unknown data key purpose.", name);
        }

        Version(key.Version, name);
        Version(key.KekVersion, name);
        ArgumentNullException.ThrowIfNull(key.WrappedKey, name);
        if (key.WrappedKey.Length == 0)
        {
            throw new ArgumentException("A wrapped key is never empty.", name);
        }
    }

    public static void DataKeys(IReadOnlyList<DataKeyRecord> keys, string tenantId, string name)
    {
        ArgumentNullException.ThrowIfNull(keys, name);
        var seen = new HashSet<(DataKeyPurpose, int)>();
        foreach (DataKeyRecord key in keys)
        {
            DataKey(key, tenantId, name);
            if (!seen.Add((key.Purpose, key.Version)))
            {
                throw new ArgumentException("A data key version appears twice.", name);
            }
        }
    }

    public static void NewToken(NewToken token, string name)
    {
        ArgumentNullException.ThrowIfNull(token, name);
        TokenId(token.TokenId, name);
        EntityType(token.EntityType, name);
        Fingerprint(token.Fingerprint, name);
        Version(token.FingerprintVersion, name);
        Version(token.DekVersion, name);
        ArgumentNullException.ThrowIfNull(token.Ciphertext, name);
        if (token.Ciphertext.Length == 0)
        {
            throw new ArgumentException("A ciphertext is never empty.", name);
        }

        if (token.SpellingFingerprint is not null)
        {
            Fingerprint(token.SpellingFingerprint, name);
        }

        if (token.SubjectRef is not null)
        {
            SubjectRef(token.SubjectRef, name);
        }
    }

    public static void NewTokens(IReadOnlyList<NewToken> tokens, string name) => Each(tokens, name, NewToken);

    public static void FingerprintKeys(IReadOnlyList<FingerprintKey> keys, string name) => Each(keys, name, static (key, name) =>
    {
        EntityType(key.EntityType, name);
        Fingerprint(key.Fingerprint, name);
    });

    public static void TokenIds(IReadOnlyList<string> tokenIds, string name) => Each(tokenIds, name, TokenId);

    public static void Fingerprints(IReadOnlyList<byte[]> fingerprints, string name) => Each(fingerprints, name, Fingerprint);

    /// <summary>The arguments of <see cref="IVaultStore.GetTokensAndSurrogatesAsync"/>; true when both lists are empty
    /// (nothing to read).</summary>
    public static bool NothingToRead(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints)
    {
        TenantId(tenantId);
        TokenIds(tokenIds, nameof(tokenIds));
        Fingerprints(surrogateFingerprints, nameof(surrogateFingerprints));
        return tokenIds.Count == 0 && surrogateFingerprints.Count == 0;
    }

    /// <summary>Well-formed claims, each token ID and each fingerprint at most once (a statement cannot give one row two
    /// surrogates, nor one surrogate to two rows).</summary>
    public static void SurrogateClaims(IReadOnlyList<SurrogateClaim> claims, string name)
    {
        ArgumentNullException.ThrowIfNull(claims, name);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var fingerprints = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
        foreach (SurrogateClaim claim in claims)
        {
            ArgumentNullException.ThrowIfNull(claim, name);
            TokenId(claim.TokenId, name);
            Fingerprint(claim.SurrogateFingerprint, name);
            ArgumentOutOfRangeException.ThrowIfNegative(claim.Attempt, name);
            if (!ids.Add(claim.TokenId) || !fingerprints.Add(new FingerprintKey(string.Empty, claim.SurrogateFingerprint)))
            {
                throw new ArgumentException("A token ID or surrogate fingerprint appears twice.", name);
            }
        }
    }

    public static void CiphertextUpdates(IReadOnlyList<CiphertextUpdate> updates, string name) => Each(updates, name, static (update, name) =>
    {
        ArgumentNullException.ThrowIfNull(update, name);
        TokenId(update.TokenId, name);
        Version(update.ExpectedDekVersion, name);
        Version(update.DekVersion, name);
        ArgumentNullException.ThrowIfNull(update.Ciphertext, name);
    });

    public static void Approval(ApprovalRecord approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        TenantId(approval.TenantId, nameof(approval));
        TextOfLength(approval.Action, 64, nameof(approval));
        TextOfLength(approval.RequestId, 128, nameof(approval));
        TextOfLength(approval.Approver, 256, nameof(approval));
    }

    public static void AuditEntries(IReadOnlyList<AuditEntry> entries, string name)
    {
        ArgumentNullException.ThrowIfNull(entries, name);
        foreach (AuditEntry entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, name);
            AuditTenantId(entry.TenantId, name);
            ArgumentException.ThrowIfNullOrEmpty(entry.Actor, name);
            ArgumentException.ThrowIfNullOrEmpty(entry.Action, name);
            ArgumentException.ThrowIfNullOrEmpty(entry.Outcome, name);
            ArgumentException.ThrowIfNullOrEmpty(entry.DetailJson, name);
        }
    }

    public static void DefinedState(TenantState state, string name)
    {
        if (!Enum.IsDefined(state))
        {
            throw new ArgumentException("Unknown tenant state.", name);
        }
    }

    public static void Limit(int limit, string name) => ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, name);

    private static void Each<T>(IReadOnlyList<T> items, string name, Action<T, string> check)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        foreach (T item in items)
        {
            check(item, name);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantIdPattern();

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{8,26}(-[0-9A-HJKMNP-TV-Z]{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenIdPattern();

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex EntityTypePattern();
}
