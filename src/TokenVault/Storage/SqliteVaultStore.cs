using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Storage;

/// <summary>The embedded default's vault store: one SQLite file (<c>$PI_HOME/vault.db</c>), same contract as PostgreSQL.</summary>
/// <remarks>
/// <para>
/// WAL mode (set by <see cref="MigrateAsync"/>), a busy timeout for another process holding the file, and one
/// write transaction at a time per file in this process (<see cref="SqliteVaultFile"/>), each an immediate
/// transaction. With one writer there are no races to resolve: insert-or-get and audit appends run in that
/// transaction, tenant changes are announced in-process after commit.
/// </para>
/// <para>
/// Timestamps are INTEGER Unix microseconds (truncated on the way in, exact on the way out). Failures a retry may
/// cure become <see cref="VaultStoreUnavailableException"/> with a fixed message.
/// </para>
/// </remarks>
public sealed class SqliteVaultStore : IVaultStore
{
    private const int BusyTimeoutMilliseconds = 30_000;
    private const int MaxParametersPerStatement = 500;

    private const string TenantColumns =
        "tenant_id AS TenantId, kek_ref AS KekRef, kek_version AS KekVersion, state AS State, created_at AS CreatedAt, data_generation AS DataGeneration";

    private const string DataKeyColumns = """
        tenant_id AS TenantId, purpose AS Purpose, version AS Version, wrapped_key AS WrappedKey, kek_version AS KekVersion,
        created_at AS CreatedAt, retired_at AS RetiredAt
        """;

    private const string TokenColumns = """
        tenant_id AS TenantId, token_id AS TokenId, entity_type AS EntityType, fingerprint AS Fingerprint,
        fp_version AS FingerprintVersion, ciphertext AS Ciphertext, dek_version AS DekVersion,
        created_at AS CreatedAt, expires_at AS ExpiresAt, subject_ref AS SubjectRef, spelling_fp AS SpellingFingerprint,
        surrogate_fp AS SurrogateFingerprint, surrogate_attempt AS SurrogateAttempt
        """;

    private static readonly string AuditPageSql = VaultSql.AuditPage("at");

    private readonly string _path;
    private readonly string _connectionString;
    private readonly SqliteVaultFile _file;
    private readonly TimeProvider _time;

    /// <param name="path">The database file; created with its folder (owner-only on Unix) by <see cref="MigrateAsync"/>.</param>
    /// <param name="timeProvider">The clock for <see cref="CountTokensAsync"/>.</param>
    public SqliteVaultStore(string path, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
        _file = SqliteVaultFile.For(_path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public string Backend => "sqlite";

    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        CreateFolder(Path.GetDirectoryName(_path)!);
        await _file.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await GuardAsync(async () =>
            {
                await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
                return await SqliteMigrator.MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        finally
        {
            _file.WriteLock.Release();
        }
    }

    public Task<TenantRecord?> GetTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        return ReadAsync(async connection =>
        {
            TenantRow? row = await connection.QuerySingleOrDefaultAsync<TenantRow>(Command(
                $"SELECT {TenantColumns} FROM tenants WHERE tenant_id = @TenantId",
                new { TenantId = tenantId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row?.ToRecord();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<TenantRecord>>(async connection =>
        {
            IEnumerable<TenantRow> rows = await connection.QueryAsync<TenantRow>(Command(
                $"SELECT {TenantColumns} FROM tenants ORDER BY tenant_id",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);

    public async Task<bool> CreateTenantAsync(TenantRecord tenant, IReadOnlyList<DataKeyRecord> keys, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Tenant(tenant);
        VaultStoreChecks.DataKeys(keys, tenant.TenantId, nameof(keys));
        bool created = await WriteAsync(async (connection, transaction) =>
        {
            int inserted = await connection.ExecuteAsync(Command(
                VaultSql.InsertTenant,
                new
                {
                    tenant.TenantId,
                    tenant.KekRef,
                    tenant.KekVersion,
                    State = VaultText.State(tenant.State),
                    CreatedAt = UnixMicroseconds.From(tenant.CreatedAt),
                },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            if (inserted == 0)
            {
                return false;
            }

            foreach (DataKeyRecord key in keys)
            {
                await InsertDataKeyAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (created)
        {
            _file.Publish(tenant.TenantId);
        }

        return created;
    }

    public async Task SetTenantStateAsync(string tenantId, TenantState state, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.DefinedState(state, nameof(state));
        await WriteAsync(async (connection, transaction) =>
        {
            TenantState current = await TenantStateAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            VaultStoreRules.CheckStateChange(current, state);
            return await connection.ExecuteAsync(Command(
                VaultSql.SetTenantState,
                new { TenantId = tenantId, State = VaultText.State(state) },
                transaction,
                cancellationToken)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _file.Publish(tenantId);
    }

    public Task<IReadOnlyList<DataKeyRecord>> GetDataKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        return ReadAsync<IReadOnlyList<DataKeyRecord>>(async connection =>
        {
            IEnumerable<DataKeyRow> rows = await connection.QueryAsync<DataKeyRow>(Command(
                $"SELECT {DataKeyColumns} FROM data_keys WHERE tenant_id = @TenantId ORDER BY purpose, version",
                new { TenantId = tenantId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);
    }

    public async Task AddDataKeyAsync(DataKeyRecord key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        VaultStoreChecks.TenantId(key.TenantId, nameof(key));
        VaultStoreChecks.DataKey(key, key.TenantId, nameof(key));
        await WriteAsync(async (connection, transaction) =>
        {
            TenantState state = await TenantStateAsync(connection, transaction, key.TenantId, cancellationToken).ConfigureAwait(false);
            int newest = await connection.ExecuteScalarAsync<int>(Command(
                VaultSql.NewestDataKeyVersion,
                new { key.TenantId, Purpose = VaultText.Purpose(key.Purpose) },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            VaultStoreRules.CheckNewDataKey(state, newest, key.Version);

            await connection.ExecuteAsync(Command(
                VaultSql.RetireDataKeys,
                new { key.TenantId, Purpose = VaultText.Purpose(key.Purpose), SupersededAt = UnixMicroseconds.From(key.CreatedAt) },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return await InsertDataKeyAsync(connection, transaction, key, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _file.Publish(key.TenantId);
    }

    public async Task<bool> RewrapDataKeysAsync(string tenantId, int expectedKekVersion, int newKekVersion, IReadOnlyList<DataKeyRecord> rewrapped, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.Version(expectedKekVersion, nameof(expectedKekVersion));
        VaultStoreChecks.Version(newKekVersion, nameof(newKekVersion));
        VaultStoreChecks.DataKeys(rewrapped, tenantId, nameof(rewrapped));
        bool moved = await WriteAsync(async (connection, transaction) =>
        {
            int tenants = await connection.ExecuteAsync(Command(
                VaultSql.MoveKekVersion,
                new { TenantId = tenantId, ExpectedKekVersion = expectedKekVersion, NewKekVersion = newKekVersion },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            if (tenants == 0)
            {
                return false;
            }

            int replaced = 0;
            foreach (DataKeyRecord key in rewrapped)
            {
                replaced += await connection.ExecuteAsync(Command(
                    """
                    UPDATE data_keys SET wrapped_key = @WrappedKey, kek_version = @KekVersion
                    WHERE tenant_id = @TenantId AND purpose = @Purpose AND version = @Version
                    """,
                    new { TenantId = tenantId, Purpose = VaultText.Purpose(key.Purpose), key.Version, key.WrappedKey, key.KekVersion },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            VaultStoreRules.CheckAllRewrapped(replaced, rewrapped.Count);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (moved)
        {
            _file.Publish(tenantId);
        }

        return moved;
    }

    public async Task DestroyTenantDataAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        await WriteAsync(async (connection, transaction) =>
        {
            await TenantStateAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteAsync(Command(
                VaultSql.DestroyTenantData,
                new { TenantId = tenantId },
                transaction,
                cancellationToken)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _file.Publish(tenantId);
    }

    public Task<IReadOnlyList<TokenRecord>> FindByFingerprintsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.FingerprintKeys(keys, nameof(keys));
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<TokenRecord>>([]);
        }

        return ReadAsync<IReadOnlyList<TokenRecord>>(async connection =>
        {
            // One snapshot for the whole batch.
            await using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            var rows = new List<TokenRecord>(keys.Count);
            foreach (FingerprintKey key in keys)
            {
                TokenRow? row = await connection.QuerySingleOrDefaultAsync<TokenRow>(Command(
                    $"""
                    SELECT {TokenColumns} FROM tokens
                    WHERE tenant_id = @TenantId AND entity_type = @EntityType AND fingerprint = @Fingerprint
                      AND (expires_at IS NULL OR expires_at > @Now)
                    """,
                    new { TenantId = tenantId, key.EntityType, key.Fingerprint, Now = UnixMicroseconds.From(now) },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
                if (row is not null)
                {
                    rows.Add(row.ToRecord());
                }
            }

            return VaultOrder.ByPair(keys.Select(k => (k.EntityType, k.Fingerprint)), rows, distinct: true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<TokenMatch>> FindTokenIdsAsync(string tenantId, IReadOnlyList<FingerprintKey> keys, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TokenRecord> rows = await FindByFingerprintsAsync(tenantId, keys, now, cancellationToken).ConfigureAwait(false);
        return rows.Select(row => new TokenMatch(row.EntityType, row.Fingerprint, row.TokenId, row.SpellingFingerprint, row.SurrogateAttempt, row.ExpiresAt)).ToList();
    }

    /// <remarks>In the file's single write transaction: each distinct pair is inserted, or its live row kept, or
    /// its expired row replaced, by one upsert that returns the row now holding the pair.</remarks>
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
            return await WriteAsync<IReadOnlyList<TokenRecord>>(async (connection, transaction) =>
            {
                var rows = new List<TokenRecord>(batch.Count);
                foreach (NewToken token in batch)
                {
                    TokenRow row = await connection.QuerySingleAsync<TokenRow>(Command(
                        $"""
                        INSERT INTO tokens AS t (tenant_id, token_id, entity_type, fingerprint, fp_version, ciphertext, dek_version,
                            created_at, expires_at, subject_ref, spelling_fp)
                        VALUES (@TenantId, @TokenId, @EntityType, @Fingerprint, @FingerprintVersion, @Ciphertext, @DekVersion,
                            @Now, @ExpiresAt, @SubjectRef, @SpellingFingerprint)
                        {VaultSql.ReplaceExpiredToken}
                        RETURNING {TokenColumns}
                        """,
                        new
                        {
                            TenantId = tenantId,
                            token.TokenId,
                            token.EntityType,
                            token.Fingerprint,
                            token.FingerprintVersion,
                            token.Ciphertext,
                            token.DekVersion,
                            Now = UnixMicroseconds.From(now),
                            ExpiresAt = UnixMicroseconds.From(token.ExpiresAt),
                            token.SubjectRef,
                            token.SpellingFingerprint,
                        },
                        transaction,
                        cancellationToken)).ConfigureAwait(false);
                    rows.Add(row.ToRecord());
                }

                return VaultStoreRules.InInputOrder(tokens, rows);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (SqliteFailures.IsTokenIdCollision(e))
        {
            throw new TokenIdCollisionException("A new token ID is already taken; retry with new IDs.", e);
        }
        catch (SqliteException e) when (SqliteFailures.IsMissingTenant(e))
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

        return ReadAsync<IReadOnlyList<TokenRecord>>(async connection =>
        {
            await using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            return await ReadTokensAsync(connection, transaction, tenantId, tokenIds, now, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <remarks>Both reads in one read transaction: one snapshot of the file, one connection from the pool.</remarks>
    public Task<TokensAndSurrogates> GetTokensAndSurrogatesAsync(string tenantId, IReadOnlyList<string> tokenIds, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (VaultStoreChecks.NothingToRead(tenantId, tokenIds, surrogateFingerprints))
        {
            return Task.FromResult(TokensAndSurrogates.None);
        }

        return ReadAsync(async connection =>
        {
            await using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            List<TokenRecord> tokens = await ReadTokensAsync(connection, transaction, tenantId, tokenIds, now, cancellationToken).ConfigureAwait(false);
            var holders = new List<TokenRecord>(surrogateFingerprints.Count);
            foreach (byte[] fingerprint in surrogateFingerprints)
            {
                TokenRow? row = await connection.QuerySingleOrDefaultAsync<TokenRow>(Command(
                    $"""
                    SELECT {TokenColumns} FROM tokens
                    WHERE tenant_id = @TenantId AND surrogate_fp = @Fingerprint AND (expires_at IS NULL OR expires_at > @Now)
                    """,
                    new { TenantId = tenantId, Fingerprint = fingerprint, Now = UnixMicroseconds.From(now) },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
                if (row is not null)
                {
                    holders.Add(row.ToRecord());
                }
            }

            return new TokensAndSurrogates(tokens, VaultOrder.BySurrogate(surrogateFingerprints, holders));
        }, cancellationToken);
    }

    /// <summary>The unexpired rows with these token IDs, in the order first asked for.</summary>
    private static async Task<List<TokenRecord>> ReadTokensAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, IReadOnlyList<string> tokenIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<TokenRecord>(tokenIds.Count);
        foreach (string[] chunk in tokenIds.Distinct(StringComparer.Ordinal).Chunk(MaxParametersPerStatement))
        {
            // Dapper expands "IN @TokenIds" into one parameter per ID.
            IEnumerable<TokenRow> found = await connection.QueryAsync<TokenRow>(Command(
                $"""
                SELECT {TokenColumns} FROM tokens
                WHERE tenant_id = @TenantId AND token_id IN @TokenIds AND (expires_at IS NULL OR expires_at > @Now)
                """,
                new { TenantId = tenantId, TokenIds = chunk, Now = UnixMicroseconds.From(now) },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            rows.AddRange(found.Select(row => row.ToRecord()));
        }

        return VaultOrder.ByTokenId(tokenIds, rows);
    }

    /// <remarks>In the file's single write transaction, claim by claim, so no two claims race.</remarks>
    public Task<IReadOnlyList<int?>> ClaimSurrogatesAsync(string tenantId, IReadOnlyList<SurrogateClaim> claims, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.SurrogateClaims(claims, nameof(claims));
        if (claims.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<int?>>([]);
        }

        return WriteAsync<IReadOnlyList<int?>>(async (connection, transaction) =>
        {
            var rows = new List<SurrogateAttemptRow>(claims.Count);
            foreach (SurrogateClaim claim in claims)
            {
                await connection.ExecuteAsync(Command(
                    VaultSql.ClaimSurrogate,
                    new { TenantId = tenantId, claim.TokenId, claim.SurrogateFingerprint, claim.Attempt },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
                rows.AddRange(await connection.QueryAsync<SurrogateAttemptRow>(Command(
                    "SELECT token_id AS TokenId, surrogate_attempt AS SurrogateAttempt FROM tokens WHERE tenant_id = @TenantId AND token_id = @TokenId",
                    new { TenantId = tenantId, claim.TokenId },
                    transaction,
                    cancellationToken)).ConfigureAwait(false));
            }

            return VaultStoreRules.AttemptsInClaimOrder(claims, rows);
        }, cancellationToken);
    }

    public Task<int> EraseSubjectAsync(string tenantId, ReadOnlyMemory<byte> subjectRef, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.SubjectRef(subjectRef.Span, nameof(subjectRef));
        return DataChangeAsync(tenantId, async (connection, transaction) => await connection.ExecuteAsync(Command(
            VaultSql.EraseSubject,
            new { TenantId = tenantId, SubjectRef = subjectRef.ToArray() },
            transaction,
            cancellationToken)).ConfigureAwait(false), cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, int>> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Limit(limit, nameof(limit));
        return WriteAsync<IReadOnlyDictionary<string, int>>(async (connection, transaction) =>
        {
            IEnumerable<string> deleted = await connection.QueryAsync<string>(Command(
                """
                DELETE FROM tokens WHERE rowid IN (
                    SELECT rowid FROM tokens WHERE expires_at <= @Now ORDER BY expires_at LIMIT @Limit)
                RETURNING tenant_id
                """,
                new { Now = UnixMicroseconds.From(now), Limit = limit },
                transaction,
                cancellationToken)).ConfigureAwait(false);
            return deleted.CountBy(tenantId => tenantId, StringComparer.Ordinal)
                .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
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

        // TEXT compares bytewise (BINARY collation), the same cursor order as PostgreSQL's COLLATE "C".
        string after = afterTokenId is null ? "" : "AND token_id > @AfterTokenId";
        return ReadAsync<IReadOnlyList<TokenRecord>>(async connection =>
        {
            IEnumerable<TokenRow> rows = await connection.QueryAsync<TokenRow>(Command(
                $"""
                SELECT {TokenColumns} FROM tokens
                WHERE tenant_id = @TenantId AND dek_version < @DekVersion {after}
                ORDER BY token_id
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

        return DataChangeAsync(tenantId, async (connection, transaction) =>
        {
            int replaced = 0;
            foreach (CiphertextUpdate update in updates)
            {
                replaced += await connection.ExecuteAsync(Command(
                    """
                    UPDATE tokens SET ciphertext = @Ciphertext, dek_version = @DekVersion
                    WHERE tenant_id = @TenantId AND token_id = @TokenId AND dek_version = @ExpectedDekVersion
                    """,
                    new { TenantId = tenantId, update.TokenId, update.ExpectedDekVersion, update.Ciphertext, update.DekVersion },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            return replaced;
        }, cancellationToken);
    }

    public Task<TokenCounts> CountTokensAsync(string tenantId, int dekVersion, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        VaultStoreChecks.Version(dekVersion, nameof(dekVersion));
        return ReadAsync(async connection =>
        {
            TokenCountRow row = await connection.QuerySingleAsync<TokenCountRow>(Command(
                VaultSql.CountTokens,
                new { TenantId = tenantId, DekVersion = dekVersion, Now = UnixMicroseconds.From(_time.GetUtcNow()) },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new TokenCounts(row.Total, row.Expired, row.BelowDekVersion);
        }, cancellationToken);
    }

    public Task<bool> AddApprovalAsync(ApprovalRecord approval, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.Approval(approval);
        return WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(Command(
            VaultSql.InsertApproval,
            new
            {
                approval.TenantId,
                approval.Action,
                approval.RequestId,
                approval.Approver,
                ApprovedAt = UnixMicroseconds.From(approval.ApprovedAt),
            },
            transaction,
            cancellationToken)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<ApprovalRecord>> GetApprovalsAsync(string tenantId, string action, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.TenantId(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(action);
        return ReadAsync<IReadOnlyList<ApprovalRecord>>(async connection =>
        {
            IEnumerable<ApprovalRow> rows = await connection.QueryAsync<ApprovalRow>(Command(
                """
                SELECT tenant_id AS TenantId, action AS Action, request_id AS RequestId, approver AS Approver, approved_at AS ApprovedAt
                FROM approvals WHERE tenant_id = @TenantId AND action = @Action
                ORDER BY approved_at, request_id, approver
                """,
                new { TenantId = tenantId, Action = action },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AuditRecord>> AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditEntries(entries, nameof(entries));
        if (entries.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AuditRecord>>([]);
        }

        string[] tenants = VaultStoreRules.TenantsInLockOrder(entries);
        return WriteAsync<IReadOnlyList<AuditRecord>>(async (connection, transaction) =>
        {
            var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal);
            foreach (string tenantId in tenants)
            {
                AuditHeadRow? row = await connection.QuerySingleOrDefaultAsync<AuditHeadRow>(Command(
                    VaultSql.AuditHead,
                    new { TenantId = tenantId },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
                heads[tenantId] = row is null ? AuditHead.Empty : new AuditHead(row.Seq, row.Hash);
            }

            List<AuditRecord> records = AuditChain.Extend(entries, heads);
            foreach (AuditRecord record in records)
            {
                await connection.ExecuteAsync(Command(
                    """
                    INSERT INTO audit_events (tenant_id, seq, at, actor, action, outcome, detail, prev_hash, hash)
                    VALUES (@TenantId, @Seq, @At, @Actor, @Action, @Outcome, @DetailJson, @PrevHash, @Hash)
                    """,
                    new
                    {
                        record.TenantId,
                        record.Seq,
                        At = UnixMicroseconds.From(record.At),
                        record.Actor,
                        record.Action,
                        record.Outcome,
                        record.DetailJson,
                        record.PrevHash,
                        record.Hash,
                    },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            foreach ((string tenantId, AuditHead head) in heads)
            {
                await connection.ExecuteAsync(Command(
                    """
                    INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (@TenantId, @Seq, @Hash)
                    ON CONFLICT (tenant_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
                    """,
                    new { TenantId = tenantId, head.Seq, head.Hash },
                    transaction,
                    cancellationToken)).ConfigureAwait(false);
            }

            return records;
        }, cancellationToken);
    }

    public Task<bool> AddAuditCheckpointAsync(SignedAuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        VaultStoreChecks.AuditTenantId(checkpoint.TenantId, nameof(checkpoint));
        return WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(Command(VaultSql.InsertAuditCheckpoint, AuditCheckpointRow.Parameters(checkpoint), transaction, cancellationToken)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task<IReadOnlyList<SignedAuditCheckpoint>> GetAuditCheckpointsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return ReadAsync<IReadOnlyList<SignedAuditCheckpoint>>(async connection =>
            (await connection.QueryAsync<AuditCheckpointRow>(Command(VaultSql.AuditCheckpoints, new { TenantId = tenantId }, cancellationToken: cancellationToken)).ConfigureAwait(false))
                .Select(row => row.ToRecord()).ToList(), cancellationToken);
    }

    public Task<AuditCheckpoint> GetAuditHeadAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return ReadAsync(async connection =>
        {
            AuditHeadRow? row = await connection.QuerySingleOrDefaultAsync<AuditHeadRow>(Command(
                VaultSql.AuditHead, new { TenantId = tenantId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return row is null ? AuditCheckpoint.Genesis : new AuditCheckpoint(row.Seq, row.Hash);
        }, cancellationToken);
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(string tenantId, long fromSeq = 1, CancellationToken cancellationToken = default)
    {
        VaultStoreChecks.AuditTenantId(tenantId, nameof(tenantId));
        return AuditPages.ReadAsync((from, token) => ReadAsync(async connection =>
        {
            IEnumerable<AuditRow> rows = await connection.QueryAsync<AuditRow>(Command(
                AuditPageSql,
                new { TenantId = tenantId, FromSeq = from, Limit = AuditPages.PageSize },
                cancellationToken: token)).ConfigureAwait(false);
            return rows.Select(row => row.ToRecord()).ToList();
        }, token), fromSeq, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListAuditTenantsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            IEnumerable<string> rows = await connection.QueryAsync<string>(Command(
                "SELECT tenant_id FROM audit_heads WHERE seq > 0 ORDER BY tenant_id",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.ToList();
        }, cancellationToken);

    /// <remarks>Calls <paramref name="onChanged"/> with null once subscribed (changes before that were not heard),
    /// then with each tenant changed through any store on this file in this process, on this call's own task: a slow
    /// or throwing callback never reaches the writer. Returns when <paramref name="cancellationToken"/> is cancelled.</remarks>
    public async Task ListenForTenantChangesAsync(Action<string?> onChanged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        var changes = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        using IDisposable subscription = _file.Subscribe(changes.Writer);
        onChanged(null);
        try
        {
            await foreach (string tenantId in changes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                onChanged(tenantId);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Runs until cancelled: cancellation is the normal end.
        }
    }

    /// <summary>Closes this file's pooled connections (other stores on the file reopen theirs as needed).</summary>
    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            // Ciphertext and wrapped keys only, but still nobody else's business.
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static CommandDefinition Command(string sql, object? parameters = null, SqliteTransaction? transaction = null, CancellationToken cancellationToken = default) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>A write that changes token rows: when it changed any, the tenant's data generation moves in the same
    /// transaction and every replica on the file is told, so none keeps serving the old rows from its cache.</summary>
    private async Task<int> DataChangeAsync(string tenantId, Func<SqliteConnection, SqliteTransaction, Task<int>> work, CancellationToken cancellationToken)
    {
        int changed = await WriteAsync(async (connection, transaction) =>
        {
            int rows = await work(connection, transaction).ConfigureAwait(false);
            if (rows > 0)
            {
                await connection.ExecuteAsync(Command(VaultSql.BumpDataGeneration, new { TenantId = tenantId }, transaction, cancellationToken)).ConfigureAwait(false);
            }

            return rows;
        }, cancellationToken).ConfigureAwait(false);
        if (changed > 0)
        {
            _file.Publish(tenantId);
        }

        return changed;
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (SqliteFailures.IsUnavailable(e))
        {
            throw new VaultStoreUnavailableException(SqliteFailures.UnavailableMessage, e);
        }
    }

    private static async Task<TenantState> TenantStateAsync(SqliteConnection connection, SqliteTransaction transaction, string tenantId, CancellationToken cancellationToken)
    {
        string? state = await connection.QuerySingleOrDefaultAsync<string>(Command(
            "SELECT state FROM tenants WHERE tenant_id = @TenantId",
            new { TenantId = tenantId },
            transaction,
            cancellationToken)).ConfigureAwait(false);
        return state is null ? throw new TenantNotFoundException() : VaultText.ParseState(state);
    }

    private static Task<int> InsertDataKeyAsync(SqliteConnection connection, SqliteTransaction transaction, DataKeyRecord key, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Command(
            VaultSql.InsertDataKey,
            new
            {
                key.TenantId,
                Purpose = VaultText.Purpose(key.Purpose),
                key.Version,
                key.WrappedKey,
                key.KekVersion,
                CreatedAt = UnixMicroseconds.From(key.CreatedAt),
                RetiredAt = UnixMicroseconds.From(key.RetiredAt),
            },
            transaction,
            cancellationToken));

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // A pooled connection must come back outside any transaction; if a failed rollback ever left one open
            // (seen once under heavy load: "cannot start a transaction within a transaction"), end it here rather than
            // fail the next caller.
            if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
            {
                await connection.ExecuteAsync(Command("ROLLBACK", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            // SQLite's own busy handler (waits in small steps) for another process holding the write lock; and FULL
            // synchronous, the library's default stated so a differently built SQLite cannot weaken it: in WAL mode every
            // commit (an audit record, a new token) is on disk before it returns (NORMAL would defer that to checkpoints).
            await connection.ExecuteAsync(Command($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(connection).ConfigureAwait(false);
            }
            catch
            {
                // Whatever state a failure left this connection in, it does not go back to the pool.
                SqliteConnection.ClearPool(connection);
                throw;
            }
        });

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _file.WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReadAsync(async connection =>
            {
                // Immediate: take the file's write lock now, not at the first write (no upgrade deadlock).
                await using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                T result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _file.WriteLock.Release();
        }
    }
}
