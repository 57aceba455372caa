using System.Security.Cryptography;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>What broke a chain, as seen at the first bad record.</summary>
public enum AuditBreak
{
    /// <summary>The record's hash does not cover its own fields: the record was edited.</summary>
    HashMismatch = 1,

    /// <summary>A seq is missing: records were deleted (or moved further down).</summary>
    SeqGap = 2,

    /// <summary>A seq is lower than or equal to the one before it: records were reordered or duplicated.</summary>
    SeqOutOfOrder = 3,

    /// <summary>The record is intact but its prev_hash is not the previous record's hash: records were reordered,
    /// inserted or replaced with rehashed copies.</summary>
    PrevHashMismatch = 4,

    /// <summary>The record belongs to another tenant's chain.</summary>
    OtherTenant = 5,

    /// <summary>The record at the seq of the store's chain head is not the record the head names: the newest records
    /// were replaced with rehashed copies.</summary>
    HeadMismatch = 6,

    /// <summary>The record at a signed checkpoint's seq is not the record the checkpoint signed (or the chain stops
    /// before it): the chain was rewritten up to there, its hashes and head recomputed.</summary>
    SignedCheckpointMismatch = 7,

    /// <summary>The record names a checkpoint it says was stored (an "ok" <c>audit.checkpoint</c>) that the store no longer
    /// holds: the checkpoint was deleted, perhaps to hide a chain rewritten up to it. Found after the whole chain
    /// verified; the break's seq is the first such record's.</summary>
    CheckpointMissing = 8,
}

/// <summary>A known-good point of a chain to verify from: the last record already checked (or signed).</summary>
public sealed record AuditCheckpoint(long Seq, byte[] Hash)
{
    /// <summary>Before the first record: seq 0, 32 zero bytes.</summary>
    public static AuditCheckpoint Genesis { get; } = new(0, AuditChain.GenesisHash.ToArray());
}

/// <summary>The result of verifying a chain: intact with <see cref="Verified"/> records, or broken at
/// <see cref="BrokenAtSeq"/>; and the key changes among the verified records whose outcome is unknown.</summary>
/// <param name="Verified">How many records were verified before the end or the break.</param>
/// <param name="BrokenAtSeq">The seq where the chain breaks: the bad record's, or for a gap the first missing one.</param>
/// <param name="Break">Why; null when the chain is intact.</param>
public sealed record AuditVerification(long Verified, long? BrokenAtSeq, AuditBreak? Break)
{
    public bool IsIntact => Break is null;

    /// <summary>The seqs of the intents among the verified records that no verified record gives an outcome
    /// (<see cref="AuditIntents"/>): not a break of the chain, but operations that may have changed state unrecorded
    /// (or are running now). On a broken chain an outcome beyond the break is not seen.</summary>
    public IReadOnlyList<long> OutcomeUnknown { get; init; } = [];

    /// <summary>How many signed checkpoints were checked against the chain (their signatures verified).</summary>
    public int CheckpointsVerified { get; init; }

    /// <summary>The seqs of stored checkpoints whose signature does not verify under the vault's audit signing key:
    /// forged or altered checkpoints (the chain is not checked against them).</summary>
    public IReadOnlyList<long> InvalidCheckpoints { get; init; } = [];

    /// <summary>The seqs of stored checkpoints that name a signing key version the provider does not know: no public key
    /// to check them with (a forged row, or a key version lost from the provider). Not checked against the chain.</summary>
    public IReadOnlyList<long> UnknownKeyCheckpoints { get; init; } = [];

    /// <summary>The seqs of checkpoints that "ok" <c>audit.checkpoint</c> records name and the store no longer holds
    /// (<see cref="AuditBreak.CheckpointMissing"/>), in order. On a broken chain a record beyond the break is not seen.</summary>
    public IReadOnlyList<long> MissingCheckpoints { get; init; } = [];

    /// <summary>The seqs of stored checkpoints that no verified "ok" <c>audit.checkpoint</c> record names, in order. Not a
    /// break: a checkpoint whose record could not be written after its row was stored, or one signed while the chain was
    /// read, has none either; a forged row is caught by its signature (<see cref="InvalidCheckpoints"/>). On a broken
    /// chain a record beyond the break is not seen.</summary>
    public IReadOnlyList<long> UnrecordedCheckpoints { get; init; } = [];

    public bool Equals(AuditVerification? other) =>
        other is not null
        && Verified == other.Verified
        && BrokenAtSeq == other.BrokenAtSeq
        && Break == other.Break
        && Same(OutcomeUnknown, other.OutcomeUnknown)
        && CheckpointsVerified == other.CheckpointsVerified
        && Same(InvalidCheckpoints, other.InvalidCheckpoints)
        && Same(UnknownKeyCheckpoints, other.UnknownKeyCheckpoints)
        && Same(MissingCheckpoints, other.MissingCheckpoints)
        && Same(UnrecordedCheckpoints, other.UnrecordedCheckpoints);

    public override int GetHashCode() => HashCode.Combine(Verified, BrokenAtSeq, Break, OutcomeUnknown.Count);

    private static bool Same(IReadOnlyList<long> a, IReadOnlyList<long> b) => a.Count == b.Count && a.Zip(b).All(seqs => seqs.First == seqs.Second);
}

/// <summary>Checks one tenant's audit records, in seq order, against <see cref="AuditChain"/>. Pure: no storage,
/// no clock, so an assessor can run it offline on an export.</summary>
/// <remarks>
/// Each record must follow the previous one (seq + 1, same tenant), hash to its stored hash, and name the previous
/// record's hash as prev_hash; the first one follows the <c>from</c> checkpoint (the genesis by default). Deleting the
/// newest records leaves an intact shorter chain: only a known head reveals that. Given a <c>head</c> (the store's
/// own, or better a signed checkpoint), the chain must reach its seq with its hash; records beyond it are verified too.
/// Along the way it pairs key changes' intents with their outcomes and reports the intents left without one, and, given
/// the seqs of the stored checkpoints, matches them against the checkpoints the chain's records say were stored.
/// </remarks>
public static class AuditVerifier
{
    public static AuditVerification Verify(IEnumerable<AuditRecord> records, AuditCheckpoint? from = null, AuditCheckpoint? head = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var cursor = new Cursor(from ?? AuditCheckpoint.Genesis, head);
        foreach (AuditRecord record in records)
        {
            if (cursor.Advance(record) is { } broken)
            {
                return broken;
            }
        }

        return cursor.End();
    }

    /// <summary>Verifies the records as <see cref="Verify"/> does; the chain must also hold the hash of each of
    /// <paramref name="checkpoints"/> (signed checkpoints whose signature the caller verified) at its seq.</summary>
    /// <remarks>Given <paramref name="storedCheckpoints"/> (the seqs of every checkpoint the store holds, whatever its
    /// signature), a checkpoint that an "ok" <c>audit.checkpoint</c> record up to <paramref name="head"/> names and that
    /// is not among them is missing: a break. Records beyond the head are not held to it, since the stored checkpoints
    /// are listed after the head is read and a record beyond it may name one stored since. Stored checkpoints that no
    /// record names are reported, not a break.</remarks>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, AuditCheckpoint? from = null, AuditCheckpoint? head = null, IReadOnlyList<AuditCheckpoint>? checkpoints = null, IReadOnlyCollection<long>? storedCheckpoints = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var cursor = new Cursor(from ?? AuditCheckpoint.Genesis, head, checkpoints, storedCheckpoints);
        await foreach (AuditRecord record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (cursor.Advance(record) is { } broken)
            {
                return broken;
            }
        }

        return cursor.End();
    }

    private sealed class Cursor(AuditCheckpoint from, AuditCheckpoint? head, IReadOnlyList<AuditCheckpoint>? checkpoints = null, IReadOnlyCollection<long>? storedCheckpoints = null)
    {
        private readonly Dictionary<long, byte[]> _signed = (checkpoints ?? []).Where(c => c.Seq > from.Seq).ToDictionary(c => c.Seq, c => c.Hash);
        private readonly HashSet<long>? _stored = storedCheckpoints is null ? null : [.. storedCheckpoints];
        private readonly HashSet<long> _recorded = [];
        private readonly SortedDictionary<long, long> _missing = []; // checkpoint seq → seq of the first record naming it
        private long _seq = from.Seq;
        private byte[] _hash = from.Hash;
        private string? _tenantId;
        private readonly AuditIntents _intents = new();
        private long _verified;

        /// <summary>After the last record: intact, unless the chain stops short of the head (its newest records deleted).</summary>
        public AuditVerification End() =>
            _signed.Count > 0 && _seq < _signed.Keys.Max() ? Result(_seq + 1, AuditBreak.SignedCheckpointMismatch)
            : head is not null && _seq < head.Seq ? Result(_seq + 1, AuditBreak.SeqGap)
            : _missing.Count > 0 ? Result(_missing.Values.Min(), AuditBreak.CheckpointMissing)
            : Result(null, null);

        /// <summary>Checks the next record; null when it is good.</summary>
        public AuditVerification? Advance(AuditRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            long expected = _seq + 1;
            _tenantId ??= record.TenantId;

            AuditBreak? fault =
                !string.Equals(record.TenantId, _tenantId, StringComparison.Ordinal) ? AuditBreak.OtherTenant
                : record.Seq < expected ? AuditBreak.SeqOutOfOrder
                : record.Seq > expected ? AuditBreak.SeqGap
                : !HashesToItself(record) ? AuditBreak.HashMismatch
                : !CryptographicOperations.FixedTimeEquals(record.PrevHash, _hash) ? AuditBreak.PrevHashMismatch
                : _signed.TryGetValue(record.Seq, out var signedHash) && !CryptographicOperations.FixedTimeEquals(record.Hash, signedHash) ? AuditBreak.SignedCheckpointMismatch
                : record.Seq == head?.Seq && !CryptographicOperations.FixedTimeEquals(record.Hash, head.Hash) ? AuditBreak.HeadMismatch
                : null;
            if (fault is { } kind)
            {
                return Result(kind == AuditBreak.SeqGap ? expected : record.Seq, kind);
            }

            _seq = record.Seq;
            _hash = record.Hash;
            _verified++;
            _intents.Add(record);
            MatchCheckpoint(record);
            return null;
        }

        /// <summary>Notes the checkpoint a verified "ok" checkpoint record names ("existing" ones too: another replica
        /// stored that seq first), and whether the store still holds it.</summary>
        private void MatchCheckpoint(AuditRecord record)
        {
            if (_stored is null
                || record.Action != AuditQueries.CheckpointAction
                || record.Outcome != "ok"
                || AuditDetail.Number(record.DetailJson, "seq") is not { } named)
            {
                return;
            }

            _recorded.Add(named);
            if ((head is null || record.Seq <= head.Seq) && !_stored.Contains(named))
            {
                _missing.TryAdd(named, record.Seq);
            }
        }

        private AuditVerification Result(long? brokenAtSeq, AuditBreak? kind) =>
            new(_verified, brokenAtSeq, kind)
            {
                OutcomeUnknown = _intents.OutcomeUnknown,
                MissingCheckpoints = [.. _missing.Keys],
                UnrecordedCheckpoints = _stored is null ? [] : [.. _stored.Where(seq => !_recorded.Contains(seq)).Order()],
            };

        private static bool HashesToItself(AuditRecord record)
        {
            if (record.PrevHash is not { Length: AuditChain.HashLength } || record.Hash is null)
            {
                return false;
            }

            byte[] recomputed = AuditChain.Hash(
                record.PrevHash, record.TenantId, record.Seq, record.At, record.Actor, record.Action, record.Outcome, record.DetailJson);
            return CryptographicOperations.FixedTimeEquals(recomputed, record.Hash);
        }
    }
}
