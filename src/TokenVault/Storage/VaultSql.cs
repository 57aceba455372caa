namespace PrivateInference.TokenVault.Storage;

/// <summary>Statements both stores run word for word: plain SQL that PostgreSQL and SQLite read alike. Dialect
/// differences (arrays, timestamp conversion, locking, notification) stay in each store.</summary>
internal static class VaultSql
{
    public const string InsertTenant = """
        INSERT INTO tenants (tenant_id, kek_ref, kek_version, state, created_at)
        VALUES (@TenantId, @KekRef, @KekVersion, @State, @CreatedAt)
        ON CONFLICT (tenant_id) DO NOTHING
        """;

    public const string SetTenantState = "UPDATE tenants SET state = @State, data_generation = data_generation + 1 WHERE tenant_id = @TenantId";

    /// <summary>Moves the tenant's data generation: replicas drop their cached token rows of it (<see cref="TokenCache"/>).</summary>
    public const string BumpDataGeneration = "UPDATE tenants SET data_generation = data_generation + 1 WHERE tenant_id = @TenantId";

    public const string NewestDataKeyVersion =
        "SELECT coalesce(max(version), 0) FROM data_keys WHERE tenant_id = @TenantId AND purpose = @Purpose";

    /// <summary>Retires the current key of the purpose as of <c>@SupersededAt</c>, the new key's creation time.</summary>
    public const string RetireDataKeys =
        "UPDATE data_keys SET retired_at = @SupersededAt WHERE tenant_id = @TenantId AND purpose = @Purpose AND retired_at IS NULL";

    public const string InsertDataKey = """
        INSERT INTO data_keys (tenant_id, purpose, version, wrapped_key, kek_version, created_at, retired_at)
        VALUES (@TenantId, @Purpose, @Version, @WrappedKey, @KekVersion, @CreatedAt, @RetiredAt)
        """;

    /// <summary>The optimistic KEK version check and the tenant's row lock in one statement.</summary>
    public const string MoveKekVersion =
        "UPDATE tenants SET kek_version = @NewKekVersion WHERE tenant_id = @TenantId AND kek_version = @ExpectedKekVersion";

    public const string DestroyTenantData = """
        DELETE FROM tokens WHERE tenant_id = @TenantId;
        DELETE FROM data_keys WHERE tenant_id = @TenantId;
        UPDATE tenants SET state = 'destroyed', data_generation = data_generation + 1 WHERE tenant_id = @TenantId;
        """;

    /// <summary>The conflict branch of the token upsert (target aliased <c>t</c>): an expired row is replaced by the
    /// new one; a live row is rewritten unchanged, so the statement returns it. <c>expires_at</c> goes last, though
    /// every expression reads the row as it was.</summary>
    public const string ReplaceExpiredToken = """
        ON CONFLICT (tenant_id, entity_type, fingerprint) DO UPDATE SET
            token_id    = CASE WHEN t.expires_at <= @Now THEN excluded.token_id    ELSE t.token_id    END,
            fp_version  = CASE WHEN t.expires_at <= @Now THEN excluded.fp_version  ELSE t.fp_version  END,
            ciphertext  = CASE WHEN t.expires_at <= @Now THEN excluded.ciphertext  ELSE t.ciphertext  END,
            dek_version = CASE WHEN t.expires_at <= @Now THEN excluded.dek_version ELSE t.dek_version END,
            created_at  = CASE WHEN t.expires_at <= @Now THEN excluded.created_at  ELSE t.created_at  END,
            subject_ref = CASE WHEN t.expires_at <= @Now THEN excluded.subject_ref ELSE t.subject_ref END,
            spelling_fp = CASE WHEN t.expires_at <= @Now THEN excluded.spelling_fp ELSE t.spelling_fp END,
            surrogate_fp      = CASE WHEN t.expires_at <= @Now THEN NULL ELSE t.surrogate_fp      END,
            surrogate_attempt = CASE WHEN t.expires_at <= @Now THEN NULL ELSE t.surrogate_attempt END,
            expires_at  = CASE WHEN t.expires_at <= @Now THEN excluded.expires_at  ELSE t.expires_at  END
        """;

    // A subject's rows and the later spellings of their IDs: "ID-XX" sorts between "ID" and "ID." ('-' < '.'), in
    // PostgreSQL's "C" collation of token_id as in SQLite's binary one, so the range is an index range.
    public const string EraseSubject = """
        DELETE FROM tokens WHERE tenant_id = @TenantId AND EXISTS (
            SELECT 1 FROM tokens b WHERE b.tenant_id = @TenantId AND b.subject_ref = @SubjectRef
                AND tokens.token_id >= b.token_id AND tokens.token_id < b.token_id || '.')
        """;

    /// <summary>A row takes its surrogate only while it has none and no other row of the tenant holds the fingerprint.
    /// (PostgreSQL: another transaction's uncommitted claim of the same fingerprint surfaces as a unique violation of
    /// <c>tokens_surrogate_uq</c> instead, and the store runs the claim again.)</summary>
    public const string ClaimSurrogate = """
        UPDATE tokens SET surrogate_fp = @SurrogateFingerprint, surrogate_attempt = @Attempt
        WHERE tenant_id = @TenantId AND token_id = @TokenId AND surrogate_fp IS NULL
          AND NOT EXISTS (SELECT 1 FROM tokens o WHERE o.tenant_id = @TenantId AND o.surrogate_fp = @SurrogateFingerprint)
        """;

    public const string CountTokens = """
        SELECT count(*) AS Total,
               count(*) FILTER (WHERE expires_at <= @Now) AS Expired,
               count(*) FILTER (WHERE dek_version < @DekVersion) AS BelowDekVersion
        FROM tokens WHERE tenant_id = @TenantId
        """;

    public const string InsertApproval = """
        INSERT INTO approvals (tenant_id, action, request_id, approver, approved_at)
        VALUES (@TenantId, @Action, @RequestId, @Approver, @ApprovedAt)
        ON CONFLICT (tenant_id, action, request_id, approver) DO NOTHING
        """;

    /// <summary>Both stores: times as Unix microseconds in <c>at_us</c>.</summary>
    public const string InsertAuditCheckpoint = """
        INSERT INTO audit_checkpoints (tenant_id, seq, head_hash, at_us, key_id, signature, key_version)
        VALUES (@TenantId, @Seq, @HeadHash, @AtUs, @KeyId, @Signature, @KeyVersion)
        ON CONFLICT (tenant_id, seq) DO NOTHING
        """;

    public const string AuditCheckpoints = """
        SELECT tenant_id AS TenantId, seq AS Seq, head_hash AS HeadHash, at_us AS AtUs, key_id AS KeyId, signature AS Signature,
            key_version AS KeyVersion
        FROM audit_checkpoints WHERE tenant_id = @TenantId ORDER BY seq
        """;

    public const string AuditHead = "SELECT tenant_id AS TenantId, seq AS Seq, hash AS Hash FROM audit_heads WHERE tenant_id = @TenantId";

    /// <summary>One page of a tenant's chain; <paramref name="at"/> reads the time as Unix microseconds.</summary>
    public static string AuditPage(string at) => $"""
        SELECT tenant_id AS TenantId, seq AS Seq, {at} AS At, actor AS Actor, action AS Action, outcome AS Outcome,
               detail AS Detail, prev_hash AS PrevHash, hash AS Hash
        FROM audit_events WHERE tenant_id = @TenantId AND seq >= @FromSeq
        ORDER BY seq
        LIMIT @Limit
        """;
}
