using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PrivateInference.TokenVault.Audit;

/// <summary>A signed checkpoint of one tenant's audit chain: the vault's audit signing key signed that the chain's record
/// <paramref name="Seq"/> had hash <paramref name="HeadHash"/> at <paramref name="At"/>. Payload-free: hashes and names.</summary>
/// <param name="TenantId">The chain.</param>
/// <param name="Seq">The signed record's seq (0: the empty chain).</param>
/// <param name="HeadHash">That record's hash (32 zero bytes for seq 0).</param>
/// <param name="At">When it was signed (whole microseconds).</param>
/// <param name="KeyId">Which signing key: <see cref="AuditCheckpointSignature.KeyId"/> of its public key.</param>
/// <param name="Signature">ECDSA P-256 over SHA-256 of <see cref="AuditCheckpointSignature.Message(SignedAuditCheckpoint)"/>, IEEE P1363 (r ‖ s).</param>
public sealed record SignedAuditCheckpoint(string TenantId, long Seq, byte[] HeadHash, DateTimeOffset At, string KeyId, byte[] Signature)
{
    /// <summary>The version of the audit signing key that signed it (1 for checkpoints from before rotation existed):
    /// which public key verifies it. Not signed itself; the signed <see cref="KeyId"/> must match that version's key.</summary>
    public int KeyVersion { get; init; } = 1;
}

/// <summary>What an audit checkpoint signature covers and how it is checked. Pure, so an auditor can check exported
/// checkpoints offline with the public key <c>pi audit public-key</c> prints.</summary>
/// <remarks>
/// The signed message: the ASCII domain <c>pi.audit.checkpoint.v1</c>, then the tenant ID (UTF-8, 4-byte big-endian
/// length first), seq (8 bytes big-endian), the 32-byte head hash, the time as Unix microseconds (8 bytes big-endian)
/// and the key ID (ASCII, length first). The signature is ECDSA with P-256 and SHA-256, r ‖ s (64 bytes).
/// </remarks>
public static class AuditCheckpointSignature
{
    private static readonly byte[] Domain = "pi.audit.checkpoint.v1"u8.ToArray();

    /// <summary>The bytes a checkpoint's signature covers.</summary>
    public static byte[] Message(string tenantId, long seq, ReadOnlySpan<byte> headHash, DateTimeOffset at, string keyId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(keyId);
        if (headHash.Length != AuditChain.HashLength)
        {
            throw new ArgumentException("A head hash is 32 bytes.", nameof(headHash));
        }

        var tenant = Encoding.UTF8.GetBytes(tenantId);
        var key = Encoding.ASCII.GetBytes(keyId);
        var message = new byte[Domain.Length + 4 + tenant.Length + 8 + AuditChain.HashLength + 8 + 4 + key.Length];
        var span = message.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        BinaryPrimitives.WriteInt32BigEndian(span, tenant.Length);
        tenant.CopyTo(span[4..]);
        span = span[(4 + tenant.Length)..];
        BinaryPrimitives.WriteInt64BigEndian(span, seq);
        headHash.CopyTo(span[8..]);
        span = span[(8 + AuditChain.HashLength)..];
        BinaryPrimitives.WriteInt64BigEndian(span, UnixMicroseconds(at));
        BinaryPrimitives.WriteInt32BigEndian(span[8..], key.Length);
        key.CopyTo(span[12..]);
        return message;
    }

    /// <summary>The bytes <paramref name="checkpoint"/>'s signature covers.</summary>
    public static byte[] Message(SignedAuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return Message(checkpoint.TenantId, checkpoint.Seq, checkpoint.HeadHash, checkpoint.At, checkpoint.KeyId);
    }

    /// <summary>A signing key's ID: the first 16 bytes of SHA-256 of its SubjectPublicKeyInfo, in lower-case hex.</summary>
    public static string KeyId(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)[..16]);

    /// <summary>The public key as PEM ("PUBLIC KEY", SubjectPublicKeyInfo).</summary>
    public static string Pem(ReadOnlySpan<byte> subjectPublicKeyInfo) => PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo);

    /// <summary>True when <paramref name="checkpoint"/> names this key and its signature verifies under it.</summary>
    public static bool Verify(SignedAuditCheckpoint checkpoint, ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!string.Equals(checkpoint.KeyId, KeyId(subjectPublicKeyInfo), StringComparison.Ordinal)
            || checkpoint.HeadHash is not { Length: AuditChain.HashLength })
        {
            return false;
        }

        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return key.VerifyData(Message(checkpoint), checkpoint.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static long UnixMicroseconds(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks / 10;
}
