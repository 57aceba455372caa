using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Audit;

/// <summary>The hash that links each audit record of a tenant to the one before it.</summary>
/// <remarks>
/// <para>
/// hash = SHA-256( "pi.audit.v1" ‖ lp(prev_hash) ‖ lp(tenant_id) ‖ be64(seq) ‖ be64(at) ‖ lp(actor) ‖ lp(action)
/// ‖ lp(outcome) ‖ lp(detail) ), where lp(x) is x's length as a big-endian uint32 followed by x (strings as
/// UTF-8), be64 a big-endian int64, and <c>at</c> whole microseconds since the Unix epoch. The first record of a
/// chain has 32 zero bytes as prev_hash.
/// </para>
/// <para>
/// Every field is length-prefixed or fixed-width, so no two different records hash the same input; the domain
/// label keeps these hashes apart from any other SHA-256 use. Stores truncate <c>at</c> to microseconds before
/// storing it, so a record read back hashes to the same value. Strings that are not valid UTF-16 are refused:
/// replacing a lone surrogate would let two different strings hash alike.
/// </para>
/// </remarks>
public static class AuditChain
{
    public const int HashLength = 32;

    private static readonly byte[] DomainLabel = "pi.audit.v1"u8.ToArray();
    private static readonly byte[] Genesis = new byte[HashLength];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The prev_hash of a chain's first record: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> GenesisHash => Genesis;

    public static byte[] Hash(
        ReadOnlySpan<byte> prevHash,
        string tenantId,
        long seq,
        DateTimeOffset at,
        string actor,
        string action,
        string outcome,
        string detailJson)
    {
        if (prevHash.Length != HashLength)
        {
            throw new ArgumentException("The previous hash must be 32 bytes.", nameof(prevHash));
        }

        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(detailJson);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(DomainLabel);
        AppendField(hash, prevHash);
        AppendString(hash, tenantId, nameof(tenantId));
        AppendInt64(hash, seq);
        AppendInt64(hash, UnixMicroseconds.From(at));
        AppendString(hash, actor, nameof(actor));
        AppendString(hash, action, nameof(action));
        AppendString(hash, outcome, nameof(outcome));
        AppendString(hash, detailJson, nameof(detailJson));
        return hash.GetHashAndReset();
    }

    /// <summary>The stored form of <paramref name="entry"/> as record <paramref name="seq"/> after a record
    /// whose hash is <paramref name="prevHash"/>: <c>at</c> truncated to microseconds, hash computed.</summary>
    internal static AuditRecord Link(AuditEntry entry, long seq, byte[] prevHash)
    {
        DateTimeOffset at = UnixMicroseconds.Truncate(entry.At);
        byte[] hash = Hash(prevHash, entry.TenantId, seq, at, entry.Actor, entry.Action, entry.Outcome, entry.DetailJson);
        return new AuditRecord(entry.TenantId, seq, at, entry.Actor, entry.Action, entry.Outcome, entry.DetailJson, prevHash, hash);
    }

    /// <summary>Chains a batch onto the heads of its tenants' chains: in input order, each entry becomes its
    /// tenant's next record. <paramref name="heads"/> must hold every tenant of the batch and is advanced.</summary>
    internal static List<AuditRecord> Extend(IReadOnlyList<AuditEntry> entries, Dictionary<string, AuditHead> heads)
    {
        var records = new List<AuditRecord>(entries.Count);
        foreach (AuditEntry entry in entries)
        {
            AuditHead head = heads[entry.TenantId];
            AuditRecord record = Link(entry, head.Seq + 1, head.Hash);
            heads[entry.TenantId] = new AuditHead(record.Seq, record.Hash);
            records.Add(record);
        }

        return records;
    }

    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }

    private static void AppendString(IncrementalHash hash, string value, string name)
    {
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException)
        {
            // Not chained as inner exception: its message quotes the offending character.
            throw new ArgumentException("The value is not valid UTF-16 text.", name);
        }

        AppendField(hash, bytes);
    }

    private static void AppendInt64(IncrementalHash hash, long value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        hash.AppendData(bytes);
    }
}

/// <summary>The last record of a tenant's chain: seq 0 and <see cref="AuditChain.GenesisHash"/> before the first.</summary>
internal readonly record struct AuditHead(long Seq, byte[] Hash)
{
    public static AuditHead Empty => new(0, AuditChain.GenesisHash.ToArray());
}
