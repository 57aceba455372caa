using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Storage;

/// <summary>
/// Everything the vault keeps: tenants, wrapped data keys, token rows (ciphertext only), dual-control
/// approvals and the hash-chained audit trail. Two implementations pass one contract test suite:
/// PostgreSQL (production; <c>PI_VAULT_POSTGRES</c>) and SQLite (the embedded default, <c>$PI_HOME/vault.db</c>).
/// </summary>
/// <remarks>
/// Every method is tenant-scoped. No argument or column carries a plaintext vault value: values arrive
/// here already sealed, lookups use keyed fingerprints. Implementations are thread-safe and never put
/// parameter values into exception messages. Transient database failures surface as
/// <see cref="VaultStoreUnavailableException"/>. Disposing releases the connections (PostgreSQL: both data sources;
/// SQLite: the file's pool).
/// </remarks>
public interface IVaultStore : IAsyncDisposable
{
    /// <summary>"postgres" or "sqlite": for audit details, logs and metrics.</summary>
    string Backend { get; }

    /// <summary>Applies the numbered migrations not yet applied; returns their versions.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default);

    Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the tenant and its first data keys in one transaction; false when the tenant exists.</summary>
    Task<bool> CreateTenantAsync(TenantRecord tenant, IReadOnlyList<DataKeyRecord> keys, CancellationToken cancellationToken = default);

    /// <summary>Sets the tenant's state, moves its data generation and tells every replica (<see cref="ListenForTenantChangesAsync"/>).</summary>
    Task SetTenantStateAsync(string tenantId, TenantState state, CancellationToken cancellationToken = default);

    /// <summary>All data key versions of the tenant, every purpose, retired ones included.</summary>
    Task<IReadOnlyList<DataKeyRecord>> GetDataKeysAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Adds a new version of a data key and retires the previous current one of that purpose
    /// (sets its <c>retired_at</c>; it stays for decryption). Tells every replica.</summary>
    Task AddDataKeyAsync(DataKeyRecord key, CancellationToken cancellationToken = default);

    /// <summary>KEK rotation: replaces the wrapped bytes and KEK version of the given keys and sets the
    /// tenant's KEK version, in one transaction, only if the tenant is still at <paramref name="expectedKekVersion"/>.
    /// Returns false (and changes nothing) when it is not. Tells every replica.</summary>
    Task<bool> RewrapDataKeysAsync(string tenantId, int expectedKekVersion, int newKekVersion, IReadOnlyList<DataKeyRecord> rewrapped, CancellationToken cancellationToken = default);

    /// <summary>Cryptographic erasure, the database half: deletes the tenant's data keys and token rows and
    /// marks it destroyed and moves its data generation. Irreversible. Tells every replica.</summary>
    Task DestroyTenantDataAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>The unexpired rows for these (entity type, fingerprint) pairs; pairs without one are absent.</summary>
    Task<IReadOnlyList<TokenRecord>> FindByFingerprintsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Which tokens hold these (entity type, fingerprint) pairs: the unexpired rows of
    /// <see cref="FindByFingerprintsAsync"/>, each pair at most once and in no particular order, without the rest of the
    /// row. What Tokenize needs of a value seen before; it reads a fraction of the bytes. A pair that is the first
    /// spelling (<see cref="TokenMatch.SpellingFingerprint"/>) of another match returned may be left out: callers read a
    /// value's first spelling from its value row (the token cache answers repeat values without asking for it).</summary>
    Task<IReadOnlyList<TokenMatch>> FindTokenIdsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// First sight of values, in one round trip and one transaction: inserts each row unless an unexpired row
    /// with the same (entity type, fingerprint) exists (an expired one is replaced). Returns, in input order,
    /// the row that holds each input's (entity type, fingerprint) afterwards — the caller's own row or the one
    /// that won a race. Inputs may repeat a pair; they all get the same row. Safe under concurrent callers on
    /// many replicas: one pair, one row.
    /// </summary>
    Task<IReadOnlyList<TokenRecord>> InsertOrGetAsync(string tenantId, IReadOnlyList<NewToken> tokens, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The unexpired rows with these token IDs; unknown or expired IDs are absent.</summary>
    Task<IReadOnlyList<TokenRecord>> GetTokensAsync(string tenantId, IReadOnlyList<string> tokenIds, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives each row its surrogate, unless it has one or another row of the tenant holds that surrogate fingerprint.
    /// Returns, in input order, the attempt each row holds afterwards: the claim's (given now, or earlier by a racing
    /// caller that made the same surrogate), another one (a racing caller was first with another attempt: the caller
    /// regenerates that one), or null (the fingerprint belongs to another row, or the row is gone: the caller tries its
    /// next attempt). Safe under concurrent callers on many replicas: a row never changes its surrogate once it has one,
    /// and one surrogate fingerprint belongs to one row. Token IDs and fingerprints must each be distinct in the batch.
    /// </summary>
    Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default);

    /// <summary>What a Detokenize with surrogate candidates reads, in one round trip: the unexpired rows with these token
    /// IDs, as <see cref="GetTokensAsync"/> returns them, and for each surrogate fingerprint, in input order, the unexpired
    /// row holding it or null. Either list may be empty; both may repeat an entry.</summary>
    Task<TokensAndSurrogates> GetTokensAndSurrogatesAsync(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Deletes every row of the tenant with this subject reference, and the later-spelling rows (<c>ID-XX</c>)
    /// of each such row's ID; returns how many. When it deleted any, moves the tenant's data generation and tells every
    /// replica, in the same transaction.</summary>
    Task<int> EraseSubjectAsync(string tenantId, ReadOnlyMemory<byte> subjectRef, CancellationToken cancellationToken = default);

    /// <summary>Deletes up to <paramref name="limit"/> expired rows of any tenant; returns how many, per tenant.</summary>
    Task<IReadOnlyDictionary<string, int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Rows still sealed under a DEK version below <paramref name="dekVersion"/>, in token ID order after
    /// <paramref name="afterTokenId"/> (null: from the start), at most <paramref name="limit"/>: the resumable
    /// re-encryption job's cursor.</summary>
    Task<IReadOnlyList<TokenRecord>> ReadOlderThanDekAsync(string tenantId, int dekVersion, string? afterTokenId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Replaces ciphertexts, each only if its row is still at the expected old DEK version; returns how many changed.
    /// When any changed, moves the tenant's data generation and tells every replica, in the same transaction.</summary>
    Task<int> ReplaceCiphertextsAsync(string tenantId, IReadOnlyList<CiphertextUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>How many unexpired and expired rows the tenant has, and how many are below <paramref name="dekVersion"/>.</summary>
    Task<TokenCounts> CountTokensAsync(string tenantId, int dekVersion, CancellationToken cancellationToken = default);

    /// <summary>Records an approval; false when this approver already approved this request.</summary>
    Task<bool> AddApprovalAsync(ApprovalRecord approval, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ApprovalRecord>> GetApprovalsAsync(string tenantId, string action, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends audit entries, chaining each to the previous record of its tenant (see <c>Audit/AuditChain</c>):
    /// seq is the next number, prev_hash the previous record's hash (32 zero bytes for the first), hash covers
    /// both. All entries in one transaction; concurrent appenders on many replicas never fork a chain.
    /// Returns the stored records in input order. Throws when nothing could be written (callers fail closed).
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>The tenant's chain head as the appenders left it: the last seq and hash (seq 0 and 32 zero bytes before
    /// the first record). Verification checks the chain against it, so deleting the newest records shows.</summary>
    Task<AuditCheckpoint> GetAuditHeadAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Stores a signed checkpoint of a tenant's chain; false (and the stored one stays) when the tenant has one
    /// at that seq already.</summary>
    Task<bool> AddAuditCheckpointAsync(SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The tenant's signed checkpoints, by seq.</summary>
    Task<IReadOnlyList<SignedAuditCheckpoint>> GetAuditCheckpointsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>The tenant's audit records from <paramref name="fromSeq"/> on, in stored order (by seq).</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(string tenantId, long fromSeq = 1, CancellationToken cancellationToken = default);

    /// <summary>Every tenant ID that has audit records (including the "_system" chain for refusals without a known tenant).</summary>
    Task<IReadOnlyList<string>> ListAuditTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onChanged"/> with a tenant ID whenever any replica changes that tenant's state or
    /// keys (PostgreSQL: LISTEN/NOTIFY; SQLite: in-process, the file has one writer). Runs until cancelled,
    /// reconnecting after failures; calls <paramref name="onChanged"/> with null after a reconnect, meaning
    /// "anything may have changed".
    /// </summary>
    Task ListenForTenantChangesAsync(Action<string?> onChanged, CancellationToken cancellationToken);
}

public enum TenantState
{
    Active,
    Disabled,
    Destroyed,

    /// <summary>Never stored: the key inventory's state of a name whose creation (or first BYOK import) failed after the
    /// provider made its KEK, so the provider holds KEK versions for a tenant the store does not have.</summary>
    NotCreated,
}

/// <summary>What a data key is for; stored as "value", "fingerprint" or "model".</summary>
public enum DataKeyPurpose
{
    Value,
    Fingerprint,
    Model,
}

/// <summary>A tenant: the name of its KEK in the provider and the KEK version its data keys are wrapped under.
/// <paramref name="DataGeneration"/> moves with every change that can make a replica's cached token rows wrong (subject
/// erasure, re-encryption, destruction, state changes; see <see cref="TokenCache"/>); stores ignore it on creation.</summary>
public sealed record TenantRecord(string TenantId, string KekRef, int KekVersion, TenantState State, DateTimeOffset CreatedAt, long DataGeneration = 0);

/// <summary>One version of a tenant data key, wrapped under KEK version <paramref name="KekVersion"/>.</summary>
/// <remarks><paramref name="WrappedKey"/> is ciphertext from the KEK provider, never key material.</remarks>
public sealed record DataKeyRecord(string TenantId, DataKeyPurpose Purpose, int Version, byte[] WrappedKey, int KekVersion, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

public readonly record struct FingerprintKey(string EntityType, byte[] Fingerprint);

/// <summary>The token that holds an (entity type, fingerprint) pair.
/// <paramref name="SpellingFingerprint"/> is set on a value's first-spelling row (see <see cref="NewToken"/>);
/// <paramref name="SurrogateAttempt"/> on a row that has a surrogate (see <see cref="IVaultStore.ClaimSurrogatesAsync"/>);
/// <paramref name="ExpiresAt"/> is the row's expiry (null: none), so a cached match can be checked as the SQL checks it.</summary>
public sealed record TokenMatch(string EntityType, byte[] Fingerprint, string TokenId, byte[]? SpellingFingerprint = null, int? SurrogateAttempt = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A row to insert on first sight: vault-assigned random ID, keyed fingerprint, sealed value.</summary>
/// <remarks>A value's first row is keyed by its token ID and its normalized-value fingerprint, and carries the keyed
/// fingerprint of the exact spelling it was first seen in (<paramref name="SpellingFingerprint"/>). Each later spelling is
/// a row keyed <c>ID-XX</c> whose <paramref name="Fingerprint"/> is the spelling fingerprint (another HMAC domain, so it
/// never meets a normalized one) and whose spelling fingerprint is the same.</remarks>
public sealed record NewToken(string TokenId, string EntityType, byte[] Fingerprint, int FingerprintVersion, byte[] Ciphertext, int DekVersion, DateTimeOffset? ExpiresAt, byte[]? SubjectRef, byte[]? SpellingFingerprint = null);

/// <summary>A stored token row. <paramref name="Ciphertext"/> is the framed AES-GCM envelope; nothing here is plaintext.
/// <paramref name="SurrogateFingerprint"/> and <paramref name="SurrogateAttempt"/> are both set when the row has a
/// surrogate (a keyed hash, never the surrogate), both null otherwise.</summary>
public sealed record TokenRecord(string TenantId, string TokenId, string EntityType, byte[] Fingerprint, int FingerprintVersion, byte[] Ciphertext, int DekVersion, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, byte[]? SubjectRef, byte[]? SpellingFingerprint = null, byte[]? SurrogateFingerprint = null, int? SurrogateAttempt = null);

/// <summary>The answer of <see cref="IVaultStore.GetTokensAndSurrogatesAsync"/>: <paramref name="Tokens"/>, the rows found by
/// token ID in the order first asked for (unknown or expired IDs absent); <paramref name="Surrogates"/>, one entry per
/// surrogate fingerprint asked for, in that order: the row holding it, or null.</summary>
public sealed record TokensAndSurrogates(IReadOnlyList<TokenRecord> Tokens, IReadOnlyList<TokenRecord?> Surrogates)
{
    public static TokensAndSurrogates None { get; } = new([], []);
}

/// <summary>A surrogate offered for a token row: its keyed fingerprint and the attempt that made it (see
/// <see cref="IVaultStore.ClaimSurrogatesAsync"/>).</summary>
public sealed record SurrogateClaim(string TokenId, byte[] SurrogateFingerprint, int Attempt);

public sealed record CiphertextUpdate(string TokenId, int ExpectedDekVersion, byte[] Ciphertext, int DekVersion);

public readonly record struct TokenCounts(long Total, long Expired, long BelowDekVersion);

/// <summary>A key admin's approval of a dual-control action (e.g. "destroy_kek") on a request.</summary>
public sealed record ApprovalRecord(string TenantId, string Action, string RequestId, string Approver, DateTimeOffset ApprovedAt);

/// <summary>An audit entry before it is chained. <paramref name="DetailJson"/> is canonical JSON of types,
/// counts, key versions and reasons — never a value, a fingerprint or a token ID list.</summary>
public sealed record AuditEntry(string TenantId, DateTimeOffset At, string Actor, string Action, string Outcome, string DetailJson);

/// <summary>A stored, chained audit record.</summary>
public sealed record AuditRecord(string TenantId, long Seq, DateTimeOffset At, string Actor, string Action, string Outcome, string DetailJson, byte[] PrevHash, byte[] Hash);

/// <summary>The database could not be reached or the operation could not complete; retryable.</summary>
public sealed class VaultStoreUnavailableException : Exception
{
    public VaultStoreUnavailableException()
        : base("The vault database is unavailable.")
    {
    }

    public VaultStoreUnavailableException(string message)
        : base(message)
    {
    }

    public VaultStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
