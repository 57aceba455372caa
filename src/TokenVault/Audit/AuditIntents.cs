using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>The outcome words of the audit trail that pair a key change's two records.</summary>
/// <remarks>
/// A key change (tenant creation, BYOK import, rotation, the kill switch, destruction and its approvals) is recorded
/// twice: its intent, outcome <see cref="Started"/>, before it changes anything, and its outcome, "ok" or
/// "failed:&lt;reason&gt;", after, with the intent's seq in the detail field <see cref="IntentSeq"/>. A refusal before the
/// intent (role, arguments, unknown tenant) is one record, "refused:&lt;reason&gt;", and changed nothing.
/// </remarks>
public static class AuditOutcome
{
    /// <summary>The intent of a key change: it is about to change the store or the provider.</summary>
    public const string Started = "started";

    /// <summary>The detail field of an outcome that names its intent's seq.</summary>
    public const string IntentSeq = "intent_seq";

    /// <summary>The detail field of a "failed:&lt;reason&gt;" record that corrects an "ok" record written before the
    /// operation's writes (a Tokenize's: its rows announced, then not all written), naming that record's seq.</summary>
    public const string RecordSeq = "record_seq";

    /// <summary>The reason code of a failed operation: the vault's own, else a fixed word; never an exception's text.</summary>
    internal static string FailureReason(Exception ex) => ex switch
    {
        VaultException vault => vault.Reason,
        OperationCanceledException => "cancelled",
        _ => "internal_error",
    };
}

/// <summary>Pairs key changes' intents with their outcomes as a chain's records go by in seq order: the intents left
/// without an outcome are operations whose outcome is unknown (they may have changed state; see
/// <see cref="AuditOutcome"/>). Pure: the verifier and the exports use it on records they already read.</summary>
public sealed class AuditIntents
{
    private const string IntentSeqMarker = "\"" + AuditOutcome.IntentSeq + "\":";

    private readonly SortedSet<long> _open = [];

    /// <summary>The seqs of the intents seen so far that no later record gave an outcome, in order. An operation
    /// still running has no outcome yet either.</summary>
    public IReadOnlyList<long> OutcomeUnknown => [.. _open];

    /// <summary>Takes the chain's next record.</summary>
    public void Add(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Outcome == AuditOutcome.Started)
        {
            _open.Add(record.Seq);
        }
        else if (_open.Count > 0 && record.DetailJson.Contains(IntentSeqMarker, StringComparison.Ordinal) && AuditDetail.Number(record.DetailJson, AuditOutcome.IntentSeq) is { } intent)
        {
            _open.Remove(intent);
        }
    }
}
