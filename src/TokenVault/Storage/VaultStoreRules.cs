namespace PrivateInference.TokenVault.Storage;

/// <summary>The contract's rules both stores apply the same way: state and key-version invariants, result order.</summary>
internal static class VaultStoreRules
{
    /// <summary>Destruction is irreversible: a destroyed tenant can only be "destroyed" again.</summary>
    public static void CheckStateChange(TenantState current, TenantState next)
    {
        if (current == TenantState.Destroyed && next != TenantState.Destroyed)
        {
            throw new InvalidOperationException("A destroyed tenant stays destroyed.");
        }
    }

    /// <summary>A new data key version is higher than every version of its purpose, and never for a destroyed tenant.</summary>
    public static void CheckNewDataKey(TenantState state, int newestVersion, int version)
    {
        if (state == TenantState.Destroyed)
        {
            throw new InvalidOperationException("A destroyed tenant gets no new data keys.");
        }

        if (version <= newestVersion)
        {
            throw new InvalidOperationException("A new data key version must be higher than every existing version of its purpose.");
        }
    }

    /// <summary>Every rewrapped key must name an existing version; otherwise the whole rotation is rolled back.</summary>
    public static void CheckAllRewrapped(int replaced, int expected)
    {
        if (replaced != expected)
        {
            throw new InvalidOperationException("A rewrapped data key does not exist; nothing was changed.");
        }
    }

    /// <summary>The row for each input, in input order; repeated pairs get the same row. Every input has one
    /// after an insert-or-get, so a missing row is a broken invariant, not an empty answer.</summary>
    public static IReadOnlyList<TokenRecord> InInputOrder(IReadOnlyList<NewToken> tokens, IEnumerable<TokenRecord> rows)
    {
        List<TokenRecord> result = VaultOrder.ByPair(tokens.Select(t => (t.EntityType, t.Fingerprint)), rows, distinct: false);
        return result.Count == tokens.Count
            ? result
            : throw new InvalidOperationException("An inserted token row could not be read back.");
    }

    /// <summary>The surrogate attempt each claimed row holds, in claim order; null for a row without one or gone.</summary>
    public static IReadOnlyList<int?> AttemptsInClaimOrder(IReadOnlyList<SurrogateClaim> claims, IEnumerable<SurrogateAttemptRow> rows)
    {
        var byId = rows.ToDictionary(row => row.TokenId, row => row.SurrogateAttempt, StringComparer.Ordinal);
        return claims.Select(claim => byId.GetValueOrDefault(claim.TokenId)).ToArray();
    }

    /// <summary>The batch's tenants in one global order: heads are locked in it, so appenders never deadlock.</summary>
    public static string[] TenantsInLockOrder(IReadOnlyList<AuditEntry> entries) =>
        entries.Select(e => e.TenantId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>Orderings and de-duplication both stores share, so they return the same rows in the same order.</summary>
internal static class VaultOrder
{
    /// <summary>A total order on (entity type, fingerprint), the same in every process: rows are locked in this
    /// order, so concurrent batches wait for each other instead of deadlocking.</summary>
    public static int Compare(string leftType, byte[] leftFingerprint, string rightType, byte[] rightFingerprint)
    {
        int byType = string.CompareOrdinal(leftType, rightType);
        return byType != 0 ? byType : leftFingerprint.AsSpan().SequenceCompareTo(rightFingerprint);
    }

    /// <summary>The distinct (type, fingerprint) pairs of a batch, first occurrence wins, in lock order.</summary>
    public static List<NewToken> DistinctInLockOrder(IReadOnlyList<NewToken> tokens)
    {
        var seen = new HashSet<FingerprintKey>(tokens.Count, FingerprintKeyComparer.Instance);
        var distinct = new List<NewToken>(tokens.Count);
        foreach (NewToken token in tokens)
        {
            if (seen.Add(new FingerprintKey(token.EntityType, token.Fingerprint)))
            {
                distinct.Add(token);
            }
        }

        distinct.Sort((left, right) => Compare(left.EntityType, left.Fingerprint, right.EntityType, right.Fingerprint));
        return distinct;
    }

    /// <summary>For each pair asked for, the row holding it, in the order asked; pairs without one are skipped.
    /// <paramref name="distinct"/>: a pair asked twice appears once.</summary>
    public static List<TokenRecord> ByPair(IEnumerable<(string EntityType, byte[] Fingerprint)> pairs, IEnumerable<TokenRecord> rows, bool distinct)
    {
        var byPair = new Dictionary<FingerprintKey, TokenRecord>(FingerprintKeyComparer.Instance);
        foreach (TokenRecord row in rows)
        {
            byPair.TryAdd(new FingerprintKey(row.EntityType, row.Fingerprint), row);
        }

        var seen = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
        var result = new List<TokenRecord>();
        foreach ((string entityType, byte[] fingerprint) in pairs)
        {
            var key = new FingerprintKey(entityType, fingerprint);
            if (byPair.TryGetValue(key, out TokenRecord? row) && (!distinct || seen.Add(key)))
            {
                result.Add(row);
            }
        }

        return result;
    }

    /// <summary>Each (entity type, fingerprint) pair once: the key is unique per tenant, so a second match can
    /// only be a duplicate asked for twice.</summary>
    public static List<TokenMatch> DistinctMatches(IEnumerable<TokenMatch> matches)
    {
        var seen = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
        return matches.Where(m => seen.Add(new FingerprintKey(m.EntityType, m.Fingerprint))).ToList();
    }

    /// <summary>For each surrogate fingerprint asked for, in order, the row holding it or null.</summary>
    public static List<TokenRecord?> BySurrogate(IReadOnlyList<byte[]> surrogateFingerprints, IEnumerable<TokenRecord> rows)
    {
        var byFingerprint = new Dictionary<FingerprintKey, TokenRecord>(FingerprintKeyComparer.Instance);
        foreach (TokenRecord row in rows)
        {
            if (row.SurrogateFingerprint is { } fingerprint)
            {
                byFingerprint.TryAdd(new FingerprintKey(string.Empty, fingerprint), row);
            }
        }

        return surrogateFingerprints.Select(fingerprint => byFingerprint.GetValueOrDefault(new FingerprintKey(string.Empty, fingerprint))).ToList();
    }

    /// <summary>The rows for these token IDs in the order first asked for; unknown IDs skipped.</summary>
    public static List<TokenRecord> ByTokenId(IReadOnlyList<string> tokenIds, IEnumerable<TokenRecord> rows)
    {
        var byId = new Dictionary<string, TokenRecord>(StringComparer.Ordinal);
        foreach (TokenRecord row in rows)
        {
            byId.TryAdd(row.TokenId, row);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<TokenRecord>();
        foreach (string tokenId in tokenIds)
        {
            if (seen.Add(tokenId) && byId.TryGetValue(tokenId, out TokenRecord? row))
            {
                result.Add(row);
            }
        }

        return result;
    }
}

/// <summary>(entity type, fingerprint) as a set or dictionary key: equal when the type and the fingerprint's bytes are,
/// whatever the arrays. Fingerprints are keyed hashes, not secrets, and index lookups compare them in variable time too.</summary>
internal sealed class FingerprintKeyComparer : IEqualityComparer<FingerprintKey>
{
    public static FingerprintKeyComparer Instance { get; } = new();

    public bool Equals(FingerprintKey x, FingerprintKey y) =>
        string.Equals(x.EntityType, y.EntityType, StringComparison.Ordinal) && x.Fingerprint.AsSpan().SequenceEqual(y.Fingerprint);

    public int GetHashCode(FingerprintKey obj)
    {
        var hash = new HashCode();
        hash.Add(obj.EntityType, StringComparer.Ordinal);
        hash.AddBytes(obj.Fingerprint);
        return hash.ToHashCode();
    }
}
