using System.Diagnostics;

namespace PrivateInference.Bench.Vault;

/// <summary>
/// Times the vault's <c>TokenVault.AuditRecord</c> span (a Tokenize writing its audit record and waiting for the group
/// commit) into the <see cref="CallTrace"/> of the call it belongs to, so the bench prints it apart from the sealing
/// around it.
/// </summary>
/// <remarks>The span ends in the call's own async flow, where <see cref="TimedVaultStore.Current"/> holds the call's
/// trace. Only that span is sampled: the vault's other spans cost nothing here.</remarks>
internal sealed class AuditRecordTimer : IDisposable
{
    // VaultTelemetry's source and AuditRecordSpan (internal to the vault).
    private const string SourceName = "PrivateInference.TokenVault";
    private const string SpanName = "TokenVault.AuditRecord";

    private readonly ActivityListener _listener;

    public AuditRecordTimer()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) => options.Name == SpanName ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private static void Stopped(Activity activity)
    {
        if (activity.OperationName != SpanName || TimedVaultStore.Current.Value is not { } trace)
        {
            return;
        }

        var end = Stopwatch.GetTimestamp();
        trace.AddAuditRecord(end - (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency), end);
    }
}
