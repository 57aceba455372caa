using System.Security.Cryptography;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

/// <summary>Synthetic vault rows: random IDs, fingerprints and "ciphertexts" (random bytes, never a real value).</summary>
internal static class VaultTestData
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string TenantId() => "t-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string TokenId() => RandomNumberGenerator.GetString(Crockford, 26);

    public static byte[] Fingerprint() => RandomNumberGenerator.GetBytes(32);

    public static byte[] Ciphertext() => RandomNumberGenerator.GetBytes(48);

    public static byte[] WrappedKey() => RandomNumberGenerator.GetBytes(40);

    public static NewToken Token(string entityType = "PAN", byte[]? fingerprint = null, DateTimeOffset? expiresAt = null, byte[]? subjectRef = null, int dekVersion = 1) =>
        new(TokenId(), entityType, fingerprint ?? Fingerprint(), 1, Ciphertext(), dekVersion, expiresAt, subjectRef);

    /// <summary>Every field of a row, bytes as hex and instants as UTC ticks: records hold arrays, which compare by reference.</summary>
    public static string Describe(TokenRecord row) => string.Join('|',
        row.TenantId,
        row.TokenId,
        row.EntityType,
        Convert.ToHexString(row.Fingerprint),
        row.FingerprintVersion,
        Convert.ToHexString(row.Ciphertext),
        row.DekVersion,
        row.CreatedAt.UtcTicks,
        row.ExpiresAt?.UtcTicks,
        row.SubjectRef is null ? "-" : Convert.ToHexString(row.SubjectRef));

    public static string Describe(DataKeyRecord key) => string.Join('|',
        key.TenantId, key.Purpose, key.Version, Convert.ToHexString(key.WrappedKey), key.KekVersion, key.CreatedAt.UtcTicks, key.RetiredAt?.UtcTicks);

    public static string Describe(AuditRecord record) => string.Join('|',
        record.TenantId, record.Seq, record.At.UtcTicks, record.Actor, record.Action, record.Outcome, record.DetailJson,
        Convert.ToHexString(record.PrevHash), Convert.ToHexString(record.Hash));
}

/// <summary>A clock that always says the same instant (stores use it for token counts).</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
