using Grpc.Core;

namespace PrivateInference.TokenVault;

/// <summary>The vault's log lines: shape only (method, status, reason codes, counts, versions), never values.</summary>
internal static partial class VaultLog
{
    [LoggerMessage(1, LogLevel.Information, "Vault call {Method} refused with {Status} ({Reason})")]
    public static partial void RequestRefused(ILogger logger, string method, StatusCode status, string reason);

    [LoggerMessage(2, LogLevel.Error, "Vault call {Method} failed with {ExceptionType}")]
    public static partial void RequestFailed(ILogger logger, string method, string exceptionType);

    [LoggerMessage(3, LogLevel.Warning, "Tenant change notifications interrupted ({ExceptionType}); reconnecting")]
    public static partial void NotificationsInterrupted(ILogger logger, string exceptionType);

    [LoggerMessage(4, LogLevel.Information, "Re-encrypted {Rows} rows of tenant {TenantId}")]
    public static partial void Reencrypted(ILogger logger, int rows, string tenantId);

    [LoggerMessage(5, LogLevel.Information, "Purged {Rows} expired tokens")]
    public static partial void Purged(ILogger logger, int rows);

    [LoggerMessage(6, LogLevel.Warning, "Background job {Job} failed with {ExceptionType}; retrying")]
    public static partial void JobFailed(ILogger logger, string job, string exceptionType);

    [LoggerMessage(7, LogLevel.Warning, "The vault runs with the local development key provider: keys are on this disk, not in an HSM. Development only.")]
    public static partial void DevelopmentKeyProvider(ILogger logger);

    /// <summary>A stored signed checkpoint, whole: with it and the public key a SIEM checks the checkpoint offline and notices
    /// a checkpoint row deleted from the database. Names and hashes only; no value, no fingerprint.</summary>
    [LoggerMessage(8, LogLevel.Information, "Audit checkpoint tenant {TenantId} seq {Seq} head {HeadHash} at {At} key version {KeyVersion} key id {KeyId} signature {Signature}", EventName = "AuditCheckpoint")]
    public static partial void CheckpointWritten(ILogger logger, string tenantId, long seq, string headHash, DateTimeOffset at, int keyVersion, string keyId, string signature);

    [LoggerMessage(9, LogLevel.Information, "Scheduled audit checkpoints: {Written} written, {Chains} chains checked")]
    public static partial void ScheduledCheckpoints(ILogger logger, int written, int chains);
}
