using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Npgsql;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Storage;

/// <summary>The production vault store: PostgreSQL (or Citus) through Npgsql and Dapper, one schema.</summary>
/// <remarks>
/// <para>
/// Owns two data sources on the connection string: a pool for the data calls and an unpooled one for the
/// LISTEN connection. Both set <c>search_path</c> to the schema, and pin <c>READ COMMITTED</c>, which the
/// concurrency scheme relies on: <c>INSERT … ON CONFLICT DO UPDATE</c> then waits for a concurrent writer and
/// works on the row version it committed (see <see cref="InsertOrGetAsync"/> and <see cref="AppendAuditAsync"/>).
/// </para>
/// <para>
/// Timestamps are truncated to microseconds before they are stored and read back as whole Unix microseconds,
/// so every value round-trips exactly. Failures a retry may cure become <see cref="VaultStoreUnavailableException"/>
/// with a fixed message; Npgsql's error details stay redacted (Include Error Detail is banned), so no exception
/// here carries a parameter value.
/// </para>
/// </remarks>
public sealed class PostgresVaultStore : IVaultStore
{
    private const string ChannelPrefix = "pi_vault_tenant_";
    private const int MaxIdentifierLength = 63;

    private const string TenantColumns = """
        tenant_id AS TenantId, kek_ref AS KekRef, kek_version AS KekVersion, state AS State,
        (extract(epoch FROM created_at) * 1000000)::bigint AS CreatedAt, data_generation AS DataGeneration
        """;

    private const string DataKeyColumns = """
        tenant_id AS TenantId, purpose AS Purpose, version AS Version, wrapped_key AS WrappedKey, kek_version AS KekVersion,
        (extract(epoch FROM created_at) * 1000000)::bigint AS CreatedAt,
        (extract(epoch FROM retired_at) * 1000000)::bigint AS RetiredAt
        """;

    // Qualified with "t": every statement that reads token rows names the table t.
    private const string TokenColumns = """
        t.tenant_id AS TenantId, t.token_id AS TokenId, t.entity_type AS EntityType, t.fingerprint AS Fingerprint,
        t.fp_version AS FingerprintVersion, t.ciphertext AS Ciphertext, t.dek_version AS DekVersion,
        (extract(epoch FROM t.created_at) * 1000000)::bigint AS CreatedAt,
        (extract(epoch FROM t.expires_at) * 1000000)::bigint AS ExpiresAt,
        t.subject_ref AS SubjectRef, t.spelling_fp AS SpellingFingerprint,
        t.surrogate_fp AS SurrogateFingerprint, t.surrogate_attempt AS SurrogateAttempt
        """;

    /// <summary>The unexpired rows of the tenant with the token IDs in <c>@TokenIds</c>: one primary-key read.</summary>
    private const string TokensByIdSql = $"""
        SELECT {TokenColumns} FROM tokens t
        WHERE t.tenant_id = @TenantId AND t.token_id = ANY(@TokenIds) AND (t.expires_at IS NULL OR t.expires_at > @Now)
        """;

    private const string NotifySql = "SELECT pg_notify(@Channel, @TenantId)";

    private static readonly string AuditPageSql = VaultSql.AuditPage("(extract(epoch FROM at) * 1000000)::bigint");

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenerSource;
    private readonly string _schema;
    private readonly string _channel;
    private readonly TimeProvider _time;

    // The audit chain heads this store last left, per tenant: the append fast path's guess, checked by the database.
    private readonly ConcurrentDictionary<string, AuditHead> _auditHeads = new(StringComparer.Ordinal);

    /// <param name="connectionString">Npgsql connection string; its search path and isolation are overridden.</param>
    /// <param name="schema">The schema holding the vault tables (created by <see cref="MigrateAsync"/>).</param>
    /// <param name="timeProvider">The clock for <see cref="CountTokensAsync"/> and reconnection back-off.</param>
    public PostgresVaultStore(string connectionString, string schema = "public", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        PostgresMigrator.ValidateSchema(schema);

        _schema = schema;
        _time = timeProvider ?? TimeProvider.System;
        _channel = ChannelName(schema);
        _dataSource = Build(connectionString, schema, listener: false);
        _listenerSource = Build(connectionString, schema, listener: true);
    }

    public string Backend => "postgres";

    /// <summary>The NOTIFY channel of this schema: per schema, so stores on different schemas never hear each other.</summary>
    internal string Channel => _channel;

    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(() => new PostgresMigrator(_dataSource, _schema).MigrateAsync(cancellationToken));

    public Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        return WithConnectionAsync(async connection =>
        {
            TenantRow? row = await connection.QuerySingleOrDefaultAsync<TenantRow>(Command(
                $"SELECT {TenantColumns} FROM tenants WHERE tenant_id = @TenantId",
                new { TenantId = tenantId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToRecord();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync<IReadOnlyList<TenantRecord>>(async connection =>
        {
            IEnumerable<TenantRow> rows = await connection.QueryAsync<TenantRow>(Command(
                $"SELECT {TenantColumns} FROM tenants ORDER BY tenant_id COLLATE \"C\"",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);

    public Task<bool> CreateTenantAsync(TenantRecord tenant, IReadOnlyList<DataKeyRecord> keys, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Tenant(tenant);
        VaultStoreChecks.DataKeys(keys, tenant.TenantId, nameof(keys));
        return InTransactionAsync(async (connection, transaction) =>
        {
            int created = await connection.ExecuteAsync(Command(
                VaultSql.InsertTenant,
                new
                {
                    tenant.TenantId,
                    tenant.KekRef,
                    tenant.KekVersion,
                    State = VaultText.State(tenant.State),
                    CreatedAt = UnixMicroseconds.Truncate(tenant.CreatedAt),
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            if (created == 0)
            {
                return false;
            }

            await connection.ExecuteAsync(Command(
                $"""
                INSERT INTO data_keys (tenant_id, purpose, version, wrapped_key, kek_version, created_at, retired_at)
                SELECT @TenantId, k.* FROM unnest(@Purposes::text[], @Versions::integer[], @WrappedKeys::bytea[],
                    @KekVersions::integer[], @CreatedAts::timestamptz[], @RetiredAts::timestamptz[]) AS k;
                {NotifySql}
                """,
                new
                {
                    tenant.TenantId,
                    Channel = _channel,
                    Purposes = keys.Select(k => VaultText.Purpose(k.Purpose)).ToArray(),
                    Versions = keys.Select(k => k.Version).ToArray(),
                    WrappedKeys = keys.Select(k => k.WrappedKey).ToArray(),
                    KekVersions = keys.Select(k => k.KekVersion).ToArray(),
                    CreatedAts = keys.Select(k => UnixMicroseconds.Truncate(k.CreatedAt)).ToArray(),
                    RetiredAts = keys.Select(k => UnixMicroseconds.Truncate(k.RetiredAt)).ToArray(),
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task SetTenantStateAsync(string tenantId, TenantState state, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.DefinedState(state, nameof(state));
        return InTransactionAsync(async (connection, transaction) =>
        {
            TenantState current = await LockTenantAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            VaultStoreRules.CheckStateChange(current, state);
            await connection.ExecuteAsync(Command(
                $"{VaultSql.SetTenantState}; {NotifySql}",
                new { TenantId = tenantId, State = VaultText.State(state), Channel = _channel },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<DataKeyRecord>> GetDataKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        return WithConnectionAsync<IReadOnlyList<DataKeyRecord>>(async connection =>
        {
            IEnumerable<DataKeyRow> rows = await connection.QueryAsync<DataKeyRow>(Command(
                $"SELECT {DataKeyColumns} FROM data_keys WHERE tenant_id = @TenantId ORDER BY purpose COLLATE \"C\", version",
                new { TenantId = tenantId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);
    }

    public Task AddDataKeyAsync(DataKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        VaultStoreChecks.TenantId(key.TenantId, nameof(key));
        VaultStoreChecks.DataKey(key, key.TenantId, nameof(key));
        return InTransactionAsync(async (connection, transaction) =>
        {
            TenantState state = await LockTenantAsync(connection, transaction, key.TenantId, cancellationToken).ConfigureAwait(false);
            int newest = await connection.ExecuteScalarAsync<int>(Command(
                VaultSql.NewestDataKeyVersion,
                new { key.TenantId, Purpose = VaultText.Purpose(key.Purpose) },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            VaultStoreRules.CheckNewDataKey(state, newest, key.Version);

            await connection.ExecuteAsync(Command(
                $"{VaultSql.RetireDataKeys}; {VaultSql.InsertDataKey}; {NotifySql}",
                new
                {
                    key.TenantId,
                    Purpose = VaultText.Purpose(key.Purpose),
                    key.Version,
                    key.WrappedKey,
                    key.KekVersion,
                    CreatedAt = UnixMicroseconds.Truncate(key.CreatedAt),
                    RetiredAt = UnixMicroseconds.Truncate(key.RetiredAt),
                    SupersededAt = UnixMicroseconds.Truncate(key.CreatedAt),
                    Channel = _channel,
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<bool> RewrapDataKeysAsync(string tenantId, int expectedKekVersion, int newKekVersion, IReadOnlyList<DataKeyRecord> rewrapped, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.Version(expectedKekVersion, nameof(expectedKekVersion));
        VaultStoreChecks.Version(newKekVersion, nameof(newKekVersion));
        VaultStoreChecks.DataKeys(rewrapped, tenantId, nameof(rewrapped));
        return InTransactionAsync(async (connection, transaction) =>
        {
            // The tenant row is the version check and the lock: a concurrent rotation waits here, then finds
            // the version moved and changes nothing.
            int moved = await connection.ExecuteAsync(Command(
                VaultSql.MoveKekVersion,
                new { TenantId = tenantId, ExpectedKekVersion = expectedKekVersion, NewKekVersion = newKekVersion },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            if (moved == 0)
            {
                return false;
            }

            int replaced = await connection.ExecuteAsync(Command(
                $"""
                UPDATE data_keys d SET wrapped_key = k.wrapped_key, kek_version = k.kek_version
                FROM unnest(@Purposes::text[], @Versions::integer[], @WrappedKeys::bytea[], @KekVersions::integer[])
                    AS k(purpose, version, wrapped_key, kek_version)
                WHERE d.tenant_id = @TenantId AND d.purpose = k.purpose AND d.version = k.version
                """,
                new
                {
                    TenantId = tenantId,
                    Purposes = rewrapped.Select(k => VaultText.Purpose(k.Purpose)).ToArray(),
                    Versions = rewrapped.Select(k => k.Version).ToArray(),
                    WrappedKeys = rewrapped.Select(k => k.WrappedKey).ToArray(),
                    KekVersions = rewrapped.Select(k => k.KekVersion).ToArray(),
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            VaultStoreRules.CheckAllRewrapped(replaced, rewrapped.Count);

            await NotifyAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task DestroyTenantDataAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        return InTransactionAsync(async (connection, transaction) =>
        {
            await LockTenantAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(Command(
                VaultSql.DestroyTenantData + NotifySql,
                new { TenantId = tenantId, Channel = _channel },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TokenRecord>> FindByFingerprintsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        FindAsync<TokenRow, TokenRecord>(tenantId, keys, now, TokenColumns, rows => VaultOrder.ByPair(keys.Select(k => (k.EntityType, k.Fingerprint)), rows.Select(row => row.ToRecord()), distinct: true), cancellationToken);

    public Task<IReadOnlyList<TokenMatch>> FindTokenIdsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        FindAsync<TokenMatchRow, TokenMatch>(tenantId, keys, now, "t.entity_type AS EntityType, t.fingerprint AS Fingerprint, t.token_id AS TokenId, t.spelling_fp AS SpellingFingerprint, t.surrogate_attempt AS SurrogateAttempt, (extract(epoch FROM t.expires_at) * 1000000)::bigint AS ExpiresAt", rows => VaultOrder.DistinctMatches(rows.Select(row => row.ToMatch())), cancellationToken);

    /// <remarks>
    /// One statement, so one round trip and one transaction. The batch is de-duplicated and sorted into lock order
    /// first (ON CONFLICT cannot touch a row twice in one statement; a shared order keeps concurrent batches from
    /// deadlocking). A conflicting live row is "updated" to itself: that locks it, and under READ COMMITTED the
    /// update sees the version a concurrent winner committed after this statement's snapshot, so RETURNING hands
    /// back the winner's row. A conflicting expired row is replaced column by column. A clash on the primary key
    /// (the random token ID) aborts the statement and surfaces as <see cref="TokenIdCollisionException"/>.
    /// </remarks>
    public async Task<IReadOnlyList<TokenRecord>> InsertOrGetAsync(string tenantId, IReadOnlyList<NewToken> tokens, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.NewTokens(tokens, nameof(tokens));

        if (tokens.Count == 0)
        {
            return [];
        }

        List<NewToken> batch = VaultOrder.DistinctInLockOrder(tokens);
        try
        {
            return await RetryDeadlocksAsync(() => WithConnectionAsync<IReadOnlyList<TokenRecord>>(async connection =>
            {
                List<TokenRow> rows = await QueryRowsAsync<TokenRow>(connection, Command(
                    $"""
                    INSERT INTO tokens AS t (tenant_id, token_id, entity_type, fingerprint, fp_version, ciphertext, dek_version,
                        created_at, expires_at, subject_ref, spelling_fp)
                    SELECT @TenantId, n.token_id, n.entity_type, n.fingerprint, n.fp_version, n.ciphertext, n.dek_version,
                        @Now, n.expires_at, n.subject_ref, n.spelling_fp
                    FROM unnest(@TokenIds::text[], @EntityTypes::text[], @Fingerprints::bytea[], @FpVersions::integer[],
                        @Ciphertexts::bytea[], @DekVersions::integer[], @ExpiresAts::timestamptz[], @SubjectRefs::bytea[],
                        @SpellingFps::bytea[])
                        WITH ORDINALITY AS n(token_id, entity_type, fingerprint, fp_version, ciphertext, dek_version,
                            expires_at, subject_ref, spelling_fp, ord)
                    ORDER BY n.ord
                    {VaultSql.ReplaceExpiredToken}
                    RETURNING {TokenColumns}
                    """,
                    new
                    {
                        TenantId = tenantId,
                        Now = UnixMicroseconds.Truncate(now),
                        TokenIds = batch.Select(t => t.TokenId).ToArray(),
                        EntityTypes = batch.Select(t => t.EntityType).ToArray(),
                        Fingerprints = batch.Select(t => t.Fingerprint).ToArray(),
                        FpVersions = batch.Select(t => t.FingerprintVersion).ToArray(),
                        Ciphertexts = batch.Select(t => t.Ciphertext).ToArray(),
                        DekVersions = batch.Select(t => t.DekVersion).ToArray(),
                        ExpiresAts = batch.Select(t => UnixMicroseconds.Truncate(t.ExpiresAt)).ToArray(),
                        SubjectRefs = batch.Select(t => t.SubjectRef).ToArray(),
                        SpellingFps = batch.Select(t => t.SpellingFingerprint).ToArray(),
                    },
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                return VaultStoreRules.InInputOrder(tokens, rows.Select(row => row.ToRecord()));
            }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (PostgresFailures.IsTokenIdCollision(e))
        {
            throw new TokenIdCollisionException("A new token ID is already taken; retry with new IDs.", e);
        }
        catch (PostgresException e) when (PostgresFailures.IsMissingTenant(e))
        {
            throw new TenantNotFoundException("The tenant does not exist.", e);
        }
    }

    public Task<IReadOnlyList<TokenRecord>> GetTokensAsync(string tenantId, IReadOnlyList<string> tokenIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.TokenIds(tokenIds, nameof(tokenIds));
        if (tokenIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TokenRecord>>([]);
        }

        return WithConnectionAsync<IReadOnlyList<TokenRecord>>(async connection =>
        {
            List<TokenRow> rows = await QueryRowsAsync<TokenRow>(connection, Command(
                TokensByIdSql,
                new { TenantId = tenantId, TokenIds = tokenIds.ToArray(), Now = UnixMicroseconds.Truncate(now) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return VaultOrder.ByTokenId(tokenIds, rows.Select(row => row.ToRecord()));
        }, cancellationToken);
    }

    /// <remarks>
    /// One transaction: the rows are locked in token ID order first (concurrent claims wait for each other instead of
    /// deadlocking), then updated where <see cref="VaultSql.ClaimSurrogate"/>'s conditions hold, then read back. A
    /// fingerprint that a concurrent transaction claimed for another row but had not committed passes the NOT EXISTS
    /// check and then fails the unique index; the claim then runs again, and sees that row.
    /// </remarks>
    public async Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.SurrogateClaims(claims, nameof(claims));
        if (claims.Count == 0)
        {
            return [];
        }

        string[] tokenIds = claims.Select(c => c.TokenId).ToArray();
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await RetryDeadlocksAsync(() => InTransactionAsync<IReadOnlyList<int?>>(async (connection, transaction) =>
                {
                    await connection.ExecuteAsync(Command(
                        "SELECT 1 FROM tokens WHERE tenant_id = @TenantId AND token_id = ANY(@TokenIds) ORDER BY token_id FOR UPDATE",
                        new { TenantId = tenantId, TokenIds = tokenIds },
                        transaction,
                        cancellationToken)).ConfigureAwait(false);
                    await connection.ExecuteAsync(Command(
                        """
                        UPDATE tokens t SET surrogate_fp = c.surrogate_fp, surrogate_attempt = c.attempt
                        FROM unnest(@TokenIds::text[], @SurrogateFps::bytea[], @Attempts::integer[]) AS c(token_id, surrogate_fp, attempt)
                        WHERE t.tenant_id = @TenantId AND t.token_id = c.token_id AND t.surrogate_fp IS NULL
                          AND NOT EXISTS (SELECT 1 FROM tokens o WHERE o.tenant_id = @TenantId AND o.surrogate_fp = c.surrogate_fp)
                        """,
                        new
                        {
                            TenantId = tenantId,
                            TokenIds = tokenIds,
                            SurrogateFps = claims.Select(c => c.SurrogateFingerprint).ToArray(),
                            Attempts = claims.Select(c => c.Attempt).ToArray(),
                        },
                        transaction,
                        cancellationToken)).ConfigureAwait(false);
                    IEnumerable<SurrogateAttemptRow> rows = await connection.QueryAsync<SurrogateAttemptRow>(Command(
                        "SELECT token_id AS TokenId, surrogate_attempt AS SurrogateAttempt FROM tokens WHERE tenant_id = @TenantId AND token_id = ANY(@TokenIds)",
                        new { TenantId = tenantId, TokenIds = tokenIds },
                        transaction,
                        cancellationToken)).ConfigureAwait(false);
                    return VaultStoreRules.AttemptsInClaimOrder(claims, rows);
                }, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (PostgresFailures.IsSurrogateCollision(e) && attempt < 3)
            {
                // A concurrent claim of the same fingerprint committed meanwhile; the next round sees it.
            }
            catch (PostgresException e) when (PostgresFailures.IsSurrogateCollision(e))
            {
                throw new VaultStoreUnavailableException(PostgresFailures.UnavailableMessage, e);
            }
        }
    }

    /// <remarks>
    /// One statement, so one round trip: the primary-key read (<see cref="TokensByIdSql"/>) UNION ALL one probe of the
    /// surrogate unique index per fingerprint, through a <c>LATERAL (… LIMIT 1)</c> subquery as
    /// <see cref="FindAsync{TRow, TResult}"/> probes per pair (never flattened into a join whose plan would follow stale
    /// statistics; the fingerprint is unique per tenant, so the limit changes no result). Every row returned is a live row
    /// of the tenant, so each list takes its rows by their own token ID and surrogate fingerprint, whichever part read them.
    /// </remarks>
    public Task<TokensAndSurrogates> GetTokensAndSurrogatesAsync(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (VaultStoreChecks.NothingToRead(tenantId, tokenIds, surrogateFingerprints))
        {
            return Task.FromResult(TokensAndSurrogates.None);
        }

        return WithConnectionAsync(async connection =>
        {
            List<TokenRow> rows = await QueryRowsAsync<TokenRow>(connection, Command(
                $"""
                {TokensByIdSql}
                UNION ALL
                SELECT {TokenColumns}
                FROM unnest(@SurrogateFps::bytea[]) AS s(surrogate_fp)
                CROSS JOIN LATERAL (
                    SELECT * FROM tokens
                    WHERE tenant_id = @TenantId AND surrogate_fp = s.surrogate_fp AND (expires_at IS NULL OR expires_at > @Now)
                    LIMIT 1) t
                """,
                new
                {
                    TenantId = tenantId,
                    TokenIds = tokenIds.ToArray(),
                    SurrogateFps = surrogateFingerprints.ToArray(),
                    Now = UnixMicroseconds.Truncate(now),
                },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            List<TokenRecord> records = rows.ConvertAll(row => row.ToRecord());
            return new TokensAndSurrogates(VaultOrder.ByTokenId(tokenIds, records), VaultOrder.BySurrogate(surrogateFingerprints, records));
        }, cancellationToken);
    }

    public Task<int> EraseSubjectAsync(string tenantId, ReadOnlyMemory<byte> subjectRef, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.SubjectRef(subjectRef.Span, nameof(subjectRef));
        return InTransactionAsync(async (connection, transaction) =>
        {
            await LockTenantForDataChangeAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            int erased = await connection.ExecuteAsync(Command(
                VaultSql.EraseSubject,
                new { TenantId = tenantId, SubjectRef = subjectRef.ToArray() },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            await DataChangedAsync(connection, transaction, tenantId, erased, cancellationToken).ConfigureAwait(false);
            return erased;
        }, cancellationToken);
    }

    /// <remarks>Oldest expiry first; rows another transaction holds are skipped (SKIP LOCKED), so several purge
    /// jobs can run side by side without waiting on each other or on a replacement in progress.</remarks>
    public Task<IReadOnlyDictionary<string, int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Limit(limit, nameof(limit));
        return WithConnectionAsync<IReadOnlyDictionary<string, int>>(async connection =>
        {
            IEnumerable<TenantCountRow> rows = await connection.QueryAsync<TenantCountRow>(Command(
                """
                WITH doomed AS (
                    SELECT tenant_id, token_id FROM tokens
                    WHERE expires_at <= @Now
                    ORDER BY expires_at
                    LIMIT @Limit
                    FOR UPDATE SKIP LOCKED
                ), deleted AS (
                    DELETE FROM tokens t USING doomed d
                    WHERE t.tenant_id = d.tenant_id AND t.token_id = d.token_id
                    RETURNING t.tenant_id
                )
                SELECT tenant_id AS TenantId, count(*) AS Count FROM deleted GROUP BY tenant_id
                """,
                new { Now = UnixMicroseconds.Truncate(now), Limit = limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.ToDictionary(row => row.TenantId, row => checked((int)row.Count), StringComparer.Ordinal);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TokenRecord>> ReadOlderThanDekAsync(string tenantId, int dekVersion, string? afterTokenId, int limit, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.Version(dekVersion, nameof(dekVersion));
        VaultStoreChecks.Limit(limit, nameof(limit));
        if (afterTokenId is not null)
        {
            VaultStoreChecks.TokenId(afterTokenId, nameof(afterTokenId));
        }

        // token_id is COLLATE "C": the cursor order is byte order, whatever the database locale.
        string after = afterTokenId is null ? "" : "AND t.token_id > @AfterTokenId";
        return WithConnectionAsync<IReadOnlyList<TokenRecord>>(async connection =>
        {
            List<TokenRow> rows = await QueryRowsAsync<TokenRow>(connection, Command(
                $"""
                SELECT {TokenColumns} FROM tokens t
                WHERE t.tenant_id = @TenantId AND t.dek_version < @DekVersion {after}
                ORDER BY t.token_id
                LIMIT @Limit
                """,
                new { TenantId = tenantId, DekVersion = dekVersion, AfterTokenId = afterTokenId, Limit = limit },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);
    }

    public Task<int> ReplaceCiphertextsAsync(string tenantId, IReadOnlyList<CiphertextUpdate> updates, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.CiphertextUpdates(updates, nameof(updates));
        if (updates.Count == 0)
        {
            return Task.FromResult(0);
        }

        return InTransactionAsync(async (connection, transaction) =>
        {
            await LockTenantForDataChangeAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            int replaced = await connection.ExecuteAsync(Command(
                """
                UPDATE tokens t SET ciphertext = u.ciphertext, dek_version = u.dek_version
                FROM unnest(@TokenIds::text[], @ExpectedDekVersions::integer[], @Ciphertexts::bytea[], @DekVersions::integer[])
                    AS u(token_id, expected_dek_version, ciphertext, dek_version)
                WHERE t.tenant_id = @TenantId AND t.token_id = u.token_id AND t.dek_version = u.expected_dek_version
                """,
                new
                {
                    TenantId = tenantId,
                    TokenIds = updates.Select(u => u.TokenId).ToArray(),
                    ExpectedDekVersions = updates.Select(u => u.ExpectedDekVersion).ToArray(),
                    Ciphertexts = updates.Select(u => u.Ciphertext).ToArray(),
                    DekVersions = updates.Select(u => u.DekVersion).ToArray(),
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            await DataChangedAsync(connection, transaction, tenantId, replaced, cancellationToken).ConfigureAwait(false);
            return replaced;
        }, cancellationToken);
    }

    public Task<TokenCounts> CountTokensAsync(string tenantId, int dekVersion, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.Version(dekVersion, nameof(dekVersion));
        return WithConnectionAsync(async connection =>
        {
            TokenCountRow row = await connection.QuerySingleAsync<TokenCountRow>(Command(
                VaultSql.CountTokens,
                new { TenantId = tenantId, DekVersion = dekVersion, Now = UnixMicroseconds.Truncate(_time.GetUtcNow()) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new TokenCounts(row.Total, row.Expired, row.BelowDekVersion);
        }, cancellationToken);
    }

    public Task<bool> AddApprovalAsync(ApprovalRecord approval, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Approval(approval);
        return WithConnectionAsync(async connection => await connection.ExecuteAsync(Command(
            VaultSql.InsertApproval,
            new
            {
                approval.TenantId,
                approval.Action,
                approval.RequestId,
                approval.Approver,
                ApprovedAt = UnixMicroseconds.Truncate(approval.ApprovedAt),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<ApprovalRecord>> GetApprovalsAsync(string tenantId, string action, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(action);
        return WithConnectionAsync<IReadOnlyList<ApprovalRecord>>(async connection =>
        {
            IEnumerable<ApprovalRow> rows = await connection.QueryAsync<ApprovalRow>(Command(
                """
                SELECT tenant_id AS TenantId, action AS Action, request_id AS RequestId, approver AS Approver,
                       (extract(epoch FROM approved_at) * 1000000)::bigint AS ApprovedAt
                FROM approvals WHERE tenant_id = @TenantId AND action = @Action
                ORDER BY approved_at, request_id COLLATE "C", approver COLLATE "C"
                """,
                new { TenantId = tenantId, Action = action },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);
    }

    /// <remarks>
    /// <para>
    /// The fast path, one statement in one round trip: this store remembers the head it left for each tenant, and when it
    /// knows every tenant of the batch, chains the entries onto those heads and sends one statement that locks the heads
    /// in tenant order where they are still as remembered (seq and hash), moves them, and inserts the records of exactly
    /// the tenants it moved. Under READ COMMITTED a head that another replica moved meanwhile fails that check once its
    /// lock is granted (the row is re-checked in the version the other appender committed), so the statement writes
    /// nothing for that tenant. Being one statement, it is one transaction: heads and records move together or not at all.
    /// </para>
    /// <para>
    /// The locking path, for the rest (a tenant's first record, a head this store does not know or that moved): one READ
    /// COMMITTED transaction that locks the batch's tenant heads in tenant order (creating missing ones) with an upsert
    /// that returns each head as last committed, chains the entries in memory, inserts them and moves the heads. A
    /// concurrent appender for the same tenant waits on the head row until this one commits, then reads the head it left.
    /// See 0002_audit_heads_and_approvals.sql for why not lock the newest audit row instead. Both paths lock heads in the
    /// same order, so appenders on any mix of paths never deadlock.
    /// </para>
    /// </remarks>
    public async Task<IReadOnlyList<AuditRecord>> AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditEntries(entries, nameof(entries));
        if (entries.Count == 0)
        {
            return [];
        }

        string[] tenants = VaultStoreRules.TenantsInLockOrder(entries);
        var expected = new Dictionary<string, AuditHead>(tenants.Length, StringComparer.Ordinal);
        foreach (string tenant in tenants)
        {
            if (_auditHeads.TryGetValue(tenant, out AuditHead head))
            {
                expected[tenant] = head;
            }
        }

        if (expected.Count < tenants.Length)
        {
            return await AppendLockingAsync(entries, tenants, cancellationToken).ConfigureAwait(false);
        }

        var heads = new Dictionary<string, AuditHead>(expected, StringComparer.Ordinal);
        List<AuditRecord> records = AuditChain.Extend(entries, heads);
        HashSet<string> moved;
        try
        {
            moved = await AppendOnKnownHeadsAsync(tenants, expected, heads, records, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Written or not, this store no longer knows where those heads are.
            ForgetAuditHeads(tenants);
            throw;
        }

        foreach (string tenant in tenants)
        {
            if (moved.Contains(tenant))
            {
                _auditHeads[tenant] = heads[tenant];
            }
            else
            {
                _auditHeads.TryRemove(tenant, out _);
            }
        }

        if (moved.Count == tenants.Length)
        {
            return records;
        }

        // Another replica appended to some of these chains: their entries take the locking path, the rest are stored.
        List<AuditEntry> rest = entries.Where(e => !moved.Contains(e.TenantId)).ToList();
        IReadOnlyList<AuditRecord> restRecords = await AppendLockingAsync(rest, VaultStoreRules.TenantsInLockOrder(rest), cancellationToken).ConfigureAwait(false);
        var merged = new List<AuditRecord>(entries.Count);
        var next = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            merged.Add(moved.Contains(entries[i].TenantId) ? records[i] : restRecords[next++]);
        }

        return merged;
    }

    private Task<HashSet<string>> AppendOnKnownHeadsAsync(string[] tenants, Dictionary<string, AuditHead> expected, Dictionary<string, AuditHead> heads, List<AuditRecord> records, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            IEnumerable<string> inserted = await connection.QueryAsync<string>(Command(
                """
                WITH expected AS (
                    SELECT * FROM unnest(@HeadTenantIds::text[], @ExpectedSeqs::bigint[], @ExpectedHashes::bytea[],
                        @HeadSeqs::bigint[], @HeadHashes::bytea[]) WITH ORDINALITY AS n(tenant_id, expected_seq, expected_hash, seq, hash, ord)
                ), locked AS (
                    SELECT h.tenant_id FROM audit_heads h JOIN expected n ON n.tenant_id = h.tenant_id
                    WHERE h.seq = n.expected_seq AND h.hash = n.expected_hash
                    ORDER BY n.ord
                    FOR UPDATE OF h
                ), moved AS (
                    UPDATE audit_heads h SET seq = n.seq, hash = n.hash
                    FROM expected n JOIN locked l ON l.tenant_id = n.tenant_id
                    WHERE h.tenant_id = n.tenant_id
                    RETURNING h.tenant_id
                )
                INSERT INTO audit_events (tenant_id, seq, at, actor, action, outcome, detail, prev_hash, hash)
                SELECT e.* FROM unnest(@TenantIds::text[], @Seqs::bigint[], @Ats::timestamptz[], @Actors::text[],
                    @Actions::text[], @Outcomes::text[], @Details::text[], @PrevHashes::bytea[], @Hashes::bytea[])
                    AS e(tenant_id, seq, at, actor, action, outcome, detail, prev_hash, hash)
                WHERE e.tenant_id IN (SELECT tenant_id FROM moved)
                RETURNING tenant_id
                """,
                AuditParameters(records, tenants, heads, expected),
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return inserted.ToHashSet(StringComparer.Ordinal);
        }, cancellationToken);

    private async Task<IReadOnlyList<AuditRecord>> AppendLockingAsync(IReadOnlyList<AuditEntry> entries, string[] tenants, CancellationToken cancellationToken)
    {
        Dictionary<string, AuditHead>? heads = null;
        List<AuditRecord> records;
        try
        {
            records = await InTransactionAsync(async (connection, transaction) =>
            {
                IEnumerable<AuditHeadRow> locked = await connection.QueryAsync<AuditHeadRow>(Command(
                    """
                    INSERT INTO audit_heads AS h (tenant_id, seq, hash)
                    SELECT u.tenant_id, 0, @Genesis FROM unnest(@TenantIds::text[]) WITH ORDINALITY AS u(tenant_id, ord)
                    ORDER BY u.ord
                    ON CONFLICT (tenant_id) DO UPDATE SET seq = h.seq
                    RETURNING h.tenant_id AS TenantId, h.seq AS Seq, h.hash AS Hash
                    """,
                    new { TenantIds = tenants, Genesis = AuditChain.GenesisHash.ToArray() },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);

                heads = locked.ToDictionary(row => row.TenantId, row => new AuditHead(row.Seq, row.Hash), StringComparer.Ordinal);
                List<AuditRecord> chained = AuditChain.Extend(entries, heads);

                await connection.ExecuteAsync(Command(
                    """
                    INSERT INTO audit_events (tenant_id, seq, at, actor, action, outcome, detail, prev_hash, hash)
                    SELECT * FROM unnest(@TenantIds::text[], @Seqs::bigint[], @Ats::timestamptz[], @Actors::text[],
                        @Actions::text[], @Outcomes::text[], @Details::text[], @PrevHashes::bytea[], @Hashes::bytea[]);
                    UPDATE audit_heads h SET seq = n.seq, hash = n.hash
                    FROM unnest(@HeadTenantIds::text[], @HeadSeqs::bigint[], @HeadHashes::bytea[]) AS n(tenant_id, seq, hash)
                    WHERE h.tenant_id = n.tenant_id;
                    """,
                    AuditParameters(chained, tenants, heads, expected: null),
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
                return chained;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ForgetAuditHeads(tenants);
            throw;
        }

        foreach (string tenant in tenants)
        {
            _auditHeads[tenant] = heads![tenant];
        }

        return records;
    }

    /// <summary>The records' columns, and each tenant's new head (and with <paramref name="expected"/> the head it
    /// must still have), as the array parameters of the append statements.</summary>
    private static Dictionary<string, object> AuditParameters(List<AuditRecord> records, string[] tenants, Dictionary<string, AuditHead> heads, Dictionary<string, AuditHead>? expected)
    {
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["TenantIds"] = records.Select(r => r.TenantId).ToArray(),
            ["Seqs"] = records.Select(r => r.Seq).ToArray(),
            ["Ats"] = records.Select(r => r.At).ToArray(),
            ["Actors"] = records.Select(r => r.Actor).ToArray(),
            ["Actions"] = records.Select(r => r.Action).ToArray(),
            ["Outcomes"] = records.Select(r => r.Outcome).ToArray(),
            ["Details"] = records.Select(r => r.DetailJson).ToArray(),
            ["PrevHashes"] = records.Select(r => r.PrevHash).ToArray(),
            ["Hashes"] = records.Select(r => r.Hash).ToArray(),
            ["HeadTenantIds"] = tenants,
            ["HeadSeqs"] = tenants.Select(t => heads[t].Seq).ToArray(),
            ["HeadHashes"] = tenants.Select(t => heads[t].Hash).ToArray(),
        };
        if (expected is not null)
        {
            parameters["ExpectedSeqs"] = tenants.Select(t => expected[t].Seq).ToArray();
            parameters["ExpectedHashes"] = tenants.Select(t => expected[t].Hash).ToArray();
        }

        return parameters;
    }

    private void ForgetAuditHeads(string[] tenants)
    {
        foreach (string tenant in tenants)
        {
            _auditHeads.TryRemove(tenant, out _);
        }
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(string tenantId, long fromSeq = 1, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return AuditPages.ReadAsync((from, token) => WithConnectionAsync(async connection =>
        {
            IEnumerable<AuditRow> rows = await connection.QueryAsync<AuditRow>(Command(
                AuditPageSql,
                new { TenantId = tenantId, FromSeq = from, Limit = AuditPages.PageSize },
                cancellationToken: token)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, token), fromSeq, cancellationToken);
    }

    public Task<bool> AddAuditCheckpointAsync(SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        VaultStoreChecks.AuditTenantId(checkpoint.TenantId, nameof(checkpoint));
        return WithConnectionAsync(async connection => await connection.ExecuteAsync(Command(VaultSql.InsertAuditCheckpoint, AuditCheckpointRow.Parameters(checkpoint), cancellationToken: cancellationToken)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<SignedAuditCheckpoint>> GetAuditCheckpointsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return WithConnectionAsync<IReadOnlyList<SignedAuditCheckpoint>>(async connection =>
            (await connection.QueryAsync<AuditCheckpointRow>(Command(VaultSql.AuditCheckpoints, new { TenantId = tenantId }, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .Select(row => row.ToRecord()).ToList(), cancellationToken);
    }

    public Task<AuditCheckpoint> GetAuditHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return WithConnectionAsync(async connection =>
        {
            AuditHeadRow? row = await connection.QuerySingleOrDefaultAsync<AuditHeadRow>(Command(
                VaultSql.AuditHead, new { TenantId = tenantId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? AuditCheckpoint.Genesis : new AuditCheckpoint(row.Seq, row.Hash);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListAuditTenantsAsync(CancellationToken cancellationToken = default) =>
        WithConnectionAsync<IReadOnlyList<string>>(async connection =>
        {
            IEnumerable<string> rows = await connection.QueryAsync<string>(Command(
                "SELECT tenant_id FROM audit_heads WHERE seq > 0 ORDER BY tenant_id COLLATE \"C\"",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.ToList();
        }, cancellationToken);

    /// <remarks>
    /// LISTENs on this schema's channel on a dedicated connection (keepalive on, so a dead server is noticed while
    /// idle). After every successful LISTEN — the first one too — calls <paramref name="onChanged"/> with null:
    /// changes made before the listener was in place, or while it was reconnecting, were not heard. After a failure
    /// it reconnects with capped, jittered exponential back-off. Returns when <paramref name="cancellationToken"/>
    /// is cancelled; an exception thrown by <paramref name="onChanged"/> ends it.
    /// </remarks>
    public async Task ListenForTenantChangesAsync(Action<string?> onChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        var backoff = new ReconnectBackoff();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using NpgsqlConnection connection = await _listenerSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, notification) => onChanged(notification.Payload);
                await connection.ExecuteAsync(Command($"LISTEN \"{_channel}\"", cancellationToken: cancellationToken)).ConfigureAwait(false);
                backoff.Reset();
                onChanged(null);
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (PostgresFailures.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                // Reconnect below; the null call after the next LISTEN tells the caller to reload.
            }
            catch (NpgsqlException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _listenerSource.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>"pi_vault_tenant_" + schema; for schema names too long for an identifier, a hash of the name instead.</summary>
    internal static string ChannelName(string schema)
    {
        string channel = ChannelPrefix + schema;
        return channel.Length <= MaxIdentifierLength
            ? channel
            : ChannelPrefix + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(schema)))[..32];
    }

    private static NpgsqlDataSource Build(string connectionString, string schema, bool listener)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        NpgsqlConnectionStringBuilder settings = builder.ConnectionStringBuilder;
        settings.SearchPath = schema;
        settings.Options = (settings.Options + " -c default_transaction_isolation=read\\ committed").Trim();
        if (listener)
        {
            settings.Pooling = false;
            settings.KeepAlive = 15;
        }

        return builder.Build();
    }

    private static CommandDefinition Command(string sql, object? parameters = null, NpgsqlTransaction? transaction = null, CancellationToken cancellationToken = default) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>The given columns of the unexpired token rows holding these (entity type, fingerprint) pairs.</summary>
    /// <remarks>One index probe per pair, whatever the statistics say: a LATERAL subquery with LIMIT (the pair is unique
    /// per tenant, so the limit changes no result) is never flattened into a join. As a plain join, a tenant that grew
    /// since the last ANALYZE was estimated at a few rows, and the planner hashed every row of the tenant for each batch
    /// (seen with auto_explain: 20–500 ms per 200-key lookup on a 50,000-row tenant instead of about 2 ms).</remarks>
    private Task<IReadOnlyList<TResult>> FindAsync<TRow, TResult>(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, string columns, Func<List<TRow>, List<TResult>> result, CancellationToken cancellationToken)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.FingerprintKeys(keys, nameof(keys));
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TResult>>([]);
        }

        return WithConnectionAsync<IReadOnlyList<TResult>>(async connection => result(await QueryRowsAsync<TRow>(connection, Command(
            $"""
            SELECT {columns}
            FROM unnest(@EntityTypes::text[], @Fingerprints::bytea[]) AS k(entity_type, fingerprint)
            CROSS JOIN LATERAL (
                SELECT * FROM tokens
                WHERE tenant_id = @TenantId AND entity_type = k.entity_type AND fingerprint = k.fingerprint
                  AND (expires_at IS NULL OR expires_at > @Now)
                LIMIT 1) t
            """,
            new
            {
                TenantId = tenantId,
                EntityTypes = keys.Select(k => k.EntityType).ToArray(),
                Fingerprints = keys.Select(k => k.Fingerprint).ToArray(),
                Now = UnixMicroseconds.Truncate(now),
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false)), cancellationToken);
    }

    /// <summary>The rows of a query, each buffered by ReadAsync before it is mapped.</summary>
    /// <remarks>Not Dapper's QueryAsync: it reads with <see cref="CommandBehavior.SequentialAccess"/>, under which
    /// Npgsql finishes a row that straddles its read buffer with a blocking socket read on a thread-pool thread, and a
    /// 100-row result of ciphertexts always straddles it.</remarks>
    private static async Task<List<T>> QueryRowsAsync<T>(NpgsqlConnection connection, CommandDefinition command)
    {
        await using DbDataReader reader = await connection.ExecuteReaderAsync(command, CommandBehavior.Default).ConfigureAwait(false);
        Func<DbDataReader, T> parse = reader.GetRowParser<T>();
        var rows = new List<T>();
        while (await reader.ReadAsync(command.CancellationToken).ConfigureAwait(false))
        {
            rows.Add(parse(reader));
        }

        return rows;
    }

    private const int MaxDeadlockRounds = 5;

    /// <summary>Runs a transaction again when PostgreSQL rolled it back to break a deadlock (nothing of it was written), after
    /// a short random pause, at most <see cref="MaxDeadlockRounds"/> times. For the token writes that lock rows in different
    /// orders: a Tokenize's insert-or-get locks conflicting rows in fingerprint order, a surrogate claim its rows in token-ID
    /// order, and a unique index makes an update wait for another transaction's uncommitted fingerprint.</summary>
    private static async Task<T> RetryDeadlocksAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        for (int round = 1; ; round++)
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (VaultStoreUnavailableException e) when (e.InnerException is { } inner && PostgresFailures.IsDeadlock(inner) && round < MaxDeadlockRounds)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 20)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresFailures.IsUnavailable(e))
        {
            throw new VaultStoreUnavailableException(PostgresFailures.UnavailableMessage, e);
        }
    }

    private Task<T> WithConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        });

    private Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            T result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>Locks the tenant row (key and state changes of one tenant run one at a time) and returns its state.</summary>
    private static async Task<TenantState> LockTenantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken cancellationToken)
    {
        string? state = await connection.QuerySingleOrDefaultAsync<string>(Command(
            "SELECT state FROM tenants WHERE tenant_id = @TenantId FOR UPDATE",
            new { TenantId = tenantId },
            transaction,
            cancellationToken)).ConfigureAwait(false);
        return state is null ? throw new TenantNotFoundException() : VaultText.ParseState(state);
    }

    private Task<int> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Command(NotifySql, new { Channel = _channel, TenantId = tenantId }, transaction, cancellationToken));

    /// <summary>Before a change of token rows that moves the data generation: locks the tenant row first, as key changes
    /// and destruction do (FOR NO KEY UPDATE: inserts' foreign-key checks still pass), so a change that holds token rows
    /// never waits for the tenant row while a destruction holding it waits for those rows.</summary>
    private static Task<int> LockTenantForDataChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Command("SELECT 1 FROM tenants WHERE tenant_id = @TenantId FOR NO KEY UPDATE", new { TenantId = tenantId }, transaction, cancellationToken));

    /// <summary>After <paramref name="rows"/> token rows changed (none: nothing to do): moves the tenant's data generation
    /// and notifies, in the caller's transaction, so no replica keeps serving the old rows from its cache.</summary>
    private Task DataChangedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string tenantId, int rows, CancellationToken cancellationToken) =>
        rows == 0
            ? Task.CompletedTask
            : connection.ExecuteAsync(Command($"{VaultSql.BumpDataGeneration}; {NotifySql}", new { Channel = _channel, TenantId = tenantId }, transaction, cancellationToken));
}
