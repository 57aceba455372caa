namespace PrivateInference.TokenVault;

/// <summary>Limits and timings of the vault; bound from the "Vault" configuration section.</summary>
public sealed class VaultOptions
{
    /// <summary>Most items in one Tokenize or Detokenize call.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Longest value, in UTF-16 code units.</summary>
    public int MaxValueLength { get; set; } = 4096;

    /// <summary>How long a replica trusts its cached tenant state without re-reading it, on top of change
    /// notifications: the kill switch's worst case when a notification is lost.</summary>
    public TimeSpan StateRevalidation { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Approvals by distinct key admins needed before a KEK is destroyed.</summary>
    public int DestroyApprovals { get; set; } = 2;

    /// <summary>How long an approval counts.</summary>
    public TimeSpan ApprovalLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Rows the re-encryption job reads per step.</summary>
    public int ReencryptBatchSize { get; set; } = 500;

    /// <summary>How often the expiry purge runs.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the vault signs a checkpoint of every audit chain that moved since its last one; null (the
    /// default) is off. The host reads <c>PI_AUDIT_CHECKPOINT_INTERVAL</c> (e.g. <c>15m</c>) when this is not set.</summary>
    public TimeSpan? AuditCheckpointInterval { get; set; }

    /// <summary>The environment variable that sets <see cref="TokenCacheEntries"/> (a whole number, 0 or more).</summary>
    public const string TokenCacheEntriesVariable = "PI_VAULT_CACHE_ENTRIES";

    /// <summary>The default of <see cref="TokenCacheEntries"/>.</summary>
    public const int DefaultTokenCacheEntries = 100_000;

    /// <summary>The most entries of each of the replica's two token cache maps (Tokenize: value fingerprint → token;
    /// Detokenize: token → ciphertext row); 0 turns the cache off. Defaults to <c>PI_VAULT_CACHE_ENTRIES</c>, else
    /// 100,000. Tokens and ciphertext only, never a value; see docs/ARCHITECTURE.md, *Token cache*.</summary>
    public int TokenCacheEntries { get; set; } = TokenCacheEntriesFromEnvironment();

    /// <summary><c>PI_VAULT_CACHE_ENTRIES</c>, or the default when it is not set.</summary>
    /// <exception cref="InvalidOperationException">It is set to anything but a whole number of 0 or more: a typo must not
    /// silently change how long erased rows may be served.</exception>
    public static int TokenCacheEntriesFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(TokenCacheEntriesVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultTokenCacheEntries;
        }

        return int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var entries)
            ? entries
            : throw new InvalidOperationException($"{TokenCacheEntriesVariable} must be a whole number of 0 or more.");
    }
}
