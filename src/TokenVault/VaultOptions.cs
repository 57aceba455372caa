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
}
