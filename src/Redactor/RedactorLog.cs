using Grpc.Core;

namespace PrivateInference.Redactor;

/// <summary>Every log line the Redactor writes. Shape only (method, status, counts, lengths, timing),
/// never content: no parameter here may carry text from a request.</summary>
internal static partial class RedactorLog
{
    [LoggerMessage(1, LogLevel.Information, "Scanned {TextLength} chars: {EntityCount} entities in {ElapsedMs:F2} ms")]
    public static partial void Scanned(ILogger logger, int textLength, int entityCount, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Rejected {Method}: {Status}")]
    public static partial void RequestRejected(ILogger logger, string method, StatusCode status);

    [LoggerMessage(3, LogLevel.Error, "{Method} failed with {ExceptionType}")]
    public static partial void RequestFailed(ILogger logger, string method, string exceptionType);

    [LoggerMessage(4, LogLevel.Information, "Redacted {TextLength} chars: {Tokenized} tokenized, {Masked} masked, {Distinct} distinct values to the vault in {ElapsedMs:F2} ms")]
    public static partial void Redacted(ILogger logger, int textLength, int tokenized, int masked, int distinct, double elapsedMs);

    [LoggerMessage(5, LogLevel.Warning, "Tokenize failed: {Reason}; the redaction fails closed")]
    public static partial void VaultFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Redact is disabled: no vault is configured (PI_VAULT_URL is not set); Scan is served, every Redact answers UNAVAILABLE")]
    public static partial void NoVault(ILogger logger);
}
