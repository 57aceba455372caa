using Grpc.Core;

namespace PrivateInference.Rehydrator;

/// <summary>Every log line the Rehydrator writes. Shape only (method, status, reason codes, counts, lengths, timing):
/// no parameter here may carry text, a token, a value, a subject or a credential.</summary>
internal static partial class RehydratorLog
{
    [LoggerMessage(1, LogLevel.Information, "Rehydrated {TextLength} chars: {Revealed} revealed, {Masked} masked, {Withheld} withheld, {Unresolved} unresolved in {VaultCalls} vault calls, {ElapsedMs:F2} ms")]
    public static partial void Rehydrated(ILogger logger, int textLength, int revealed, int masked, int withheld, int unresolved, int vaultCalls, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Rehydration refused: {Kind} ({Reason})")]
    public static partial void Refused(ILogger logger, RehydrationErrorKind kind, string reason);

    [LoggerMessage(3, LogLevel.Error, "Vault call failed: {Status} ({ExceptionType}); nothing revealed")]
    public static partial void VaultFailed(ILogger logger, StatusCode status, string exceptionType);

    [LoggerMessage(4, LogLevel.Error, "Refusal ({Reason}) could not be recorded in the vault's audit: {ExceptionType}")]
    public static partial void RefusalNotRecorded(ILogger logger, string reason, string exceptionType);

    [LoggerMessage(5, LogLevel.Information, "Stream ended: {Windows} windows, {TextLength} chars: {Revealed} revealed, {Masked} masked, {Withheld} withheld, {Unresolved} unresolved")]
    public static partial void StreamEnded(ILogger logger, int windows, long textLength, int revealed, int masked, int withheld, int unresolved);

    [LoggerMessage(6, LogLevel.Warning, "Rejected {Method}: {Status} ({Reason})")]
    public static partial void RequestRejected(ILogger logger, string method, StatusCode status, string reason);

    [LoggerMessage(7, LogLevel.Error, "{Method} failed with {ExceptionType}")]
    public static partial void RequestFailed(ILogger logger, string method, string exceptionType);

    [LoggerMessage(8, LogLevel.Warning, "{Candidates} distinct surrogate candidates in one window; only the first {Cap} were looked up, the rest stay as written")]
    public static partial void SurrogateCandidatesCapped(ILogger logger, int candidates, int cap);

    [LoggerMessage(9, LogLevel.Warning, "The vault answered no surrogate results for {Candidates} candidates (a vault without surrogate support); they stay as written")]
    public static partial void NoSurrogateResults(ILogger logger, int candidates);
}
