using PrivateInference.TokenVault.Audit;
namespace PrivateInference.TokenVault.Storage;

// Rows as both stores read them through Dapper: column aliases match these property names, timestamps are
// whole microseconds since the Unix epoch (SQLite stores them so; PostgreSQL converts on SELECT), enums are
// their lower-case names. One shape, one mapping to the public records.

internal sealed class TenantRow
{
    public string TenantId { get; set; } = "";
    public string KekRef { get; set; } = "";
    public int KekVersion { get; set; }
    public string State { get; set; } = "";
    public long CreatedAt { get; set; }
    public long DataGeneration { get; set; }

    public TenantRecord ToRecord() =>
        new(TenantId, KekRef, KekVersion, VaultText.ParseState(State), UnixMicroseconds.ToDateTimeOffset(CreatedAt), DataGeneration);
}

internal sealed class DataKeyRow
{
    public string TenantId { get; set; } = "";
    public string Purpose { get; set; } = "";
    public int Version { get; set; }
    public byte[] WrappedKey { get; set; } = [];
    public int KekVersion { get; set; }
    public long CreatedAt { get; set; }
    public long? RetiredAt { get; set; }

    public DataKeyRecord ToRecord() => new(
        TenantId,
        VaultText.ParsePurpose(Purpose),
        Version,
        WrappedKey,
        KekVersion,
        UnixMicroseconds.ToDateTimeOffset(CreatedAt),
        UnixMicroseconds.ToDateTimeOffset(RetiredAt));
}

internal sealed class TokenRow
{
    public string TenantId { get; set; } = "";
    public string TokenId { get; set; } = "";
    public string EntityType { get; set; } = "";
    public byte[] Fingerprint { get; set; } = [];
    public int FingerprintVersion { get; set; }
    public byte[] Ciphertext { get; set; } = [];
    public int DekVersion { get; set; }
    public long CreatedAt { get; set; }
    public long? ExpiresAt { get; set; }
    public byte[]? SubjectRef { get; set; }
    public byte[]? SpellingFingerprint { get; set; }
    public byte[]? SurrogateFingerprint { get; set; }
    public int? SurrogateAttempt { get; set; }

    public TokenRecord ToRecord() => new(
        TenantId,
        TokenId,
        EntityType,
        Fingerprint,
        FingerprintVersion,
        Ciphertext,
        DekVersion,
        UnixMicroseconds.ToDateTimeOffset(CreatedAt),
        UnixMicroseconds.ToDateTimeOffset(ExpiresAt),
        SubjectRef,
        SpellingFingerprint,
        SurrogateFingerprint,
        SurrogateAttempt);
}

internal sealed class ApprovalRow
{
    public string TenantId { get; set; } = "";
    public string Action { get; set; } = "";
    public string RequestId { get; set; } = "";
    public string Approver { get; set; } = "";
    public long ApprovedAt { get; set; }

    public ApprovalRecord ToRecord() => new(TenantId, Action, RequestId, Approver, UnixMicroseconds.ToDateTimeOffset(ApprovedAt));
}

internal sealed class AuditRow
{
    public string TenantId { get; set; } = "";
    public long Seq { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Outcome { get; set; } = "";
    public string Detail { get; set; } = "";
    public byte[] PrevHash { get; set; } = [];
    public byte[] Hash { get; set; } = [];

    public AuditRecord ToRecord() =>
        new(TenantId, Seq, UnixMicroseconds.ToDateTimeOffset(At), Actor, Action, Outcome, Detail, PrevHash, Hash);
}

internal sealed class TokenMatchRow
{
    public string EntityType { get; set; } = "";
    public byte[] Fingerprint { get; set; } = [];
    public string TokenId { get; set; } = "";
    public byte[]? SpellingFingerprint { get; set; }
    public int? SurrogateAttempt { get; set; }
    public long? ExpiresAt { get; set; }

    public TokenMatch ToMatch() => new(EntityType, Fingerprint, TokenId, SpellingFingerprint, SurrogateAttempt, UnixMicroseconds.ToDateTimeOffset(ExpiresAt));
}

internal sealed class SurrogateAttemptRow
{
    public string TokenId { get; set; } = "";
    public int? SurrogateAttempt { get; set; }
}

internal sealed class AuditCheckpointRow
{
    public string TenantId { get; set; } = "";
    public long Seq { get; set; }
    public byte[] HeadHash { get; set; } = [];
    public long AtUs { get; set; }
    public string KeyId { get; set; } = "";
    public byte[] Signature { get; set; } = [];
    public int KeyVersion { get; set; }

    public SignedAuditCheckpoint ToRecord() => new(TenantId, Seq, HeadHash, DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(AtUs * 10), KeyId, Signature) { KeyVersion = KeyVersion };

    public static object Parameters(SignedAuditCheckpoint c) =>
        new { c.TenantId, c.Seq, c.HeadHash, AtUs = (c.At - DateTimeOffset.UnixEpoch).Ticks / 10, c.KeyId, c.Signature, c.KeyVersion };
}

internal sealed class AuditHeadRow
{
    public string TenantId { get; set; } = "";
    public long Seq { get; set; }
    public byte[] Hash { get; set; } = [];
}

internal sealed class TokenCountRow
{
    public long Total { get; set; }
    public long Expired { get; set; }
    public long BelowDekVersion { get; set; }
}

internal sealed class TenantCountRow
{
    public string TenantId { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>The stored names of the enums (CHECK constraints list the same words).</summary>
internal static class VaultText
{
    public static string State(TenantState state) => state switch
    {
        TenantState.Active => "active",
        TenantState.Disabled => "disabled",
        TenantState.Destroyed => "destroyed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static TenantState ParseState(string state) => state switch
    {
        "active" => TenantState.Active,
        "disabled" => TenantState.Disabled,
        "destroyed" => TenantState.Destroyed,
        _ => throw new InvalidOperationException("A stored tenant state is unknown."),
    };

    public static string Purpose(DataKeyPurpose purpose) => purpose switch
    {
        DataKeyPurpose.Value => "value",
        DataKeyPurpose.Fingerprint => "fingerprint",
        DataKeyPurpose.Model => "model",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public static DataKeyPurpose ParsePurpose(string purpose) => purpose switch
    {
        "value" => DataKeyPurpose.Value,
        "fingerprint" => DataKeyPurpose.Fingerprint,
        "model" => DataKeyPurpose.Model,
        _ => throw new InvalidOperationException("A stored data key purpose is unknown."),
    };
}
