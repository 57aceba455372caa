using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>A fixture's database and KEK provider: replicas open on it; raw SQL reaches around them to tamper, count
/// and dump, as someone with database access would.</summary>
/// <remarks>SQL given to <see cref="ExecuteAsync"/> and the queries is plain enough for both stores (unqualified table
/// names, <c>@Name</c> parameters); what differs (the append-only guard, the dump) is per backend.</remarks>
internal abstract class VaultBackend : IAsyncDisposable
{
    private readonly List<Replica> _replicas = [];

    /// <summary>"sqlite" or "postgres", as <see cref="IVaultStore.Backend"/>.</summary>
    public abstract string Name { get; }

    /// <summary>The one KEK provider every replica of the fixture shares (PKCS#11 allows one per process).</summary>
    public abstract IKekProvider Kek { get; }

    /// <summary>Another replica on the database: its own store (PostgreSQL: its own data source) and runtime, the
    /// shared KEK provider. Disposed with the backend unless disposed earlier. <paramref name="store"/> may wrap the store
    /// (to inject faults), <paramref name="kek"/> stand in for the shared provider (a wrapper of <see cref="Kek"/>);
    /// <paramref name="loggers"/> receive its log lines.</summary>
    public async Task<Replica> OpenReplicaAsync(VaultOptions? options = null, TimeProvider? time = null, Func<IVaultStore, IVaultStore>? store = null, IKekProvider? kek = null, ILoggerFactory? loggers = null)
    {
        var own = CreateStore(time);
        var wrapped = store?.Invoke(own) ?? own;
        var runtime = await VaultRuntime.OpenAsync(wrapped, kek ?? Kek, options, time, ownsDependencies: false, loggers: loggers);
        var replica = new Replica(runtime, wrapped);
        _replicas.Add(replica);
        return replica;
    }

    /// <summary>A store on the database that no runtime owns (for hosts that build their own runtime).</summary>
    public abstract IVaultStore CreateStore(TimeProvider? time = null);

    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await OpenRawAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenRawAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenRawAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    /// <summary>How many token rows the tenant has.</summary>
    public Task<long> TokenRowsAsync(string tenantId) =>
        ScalarAsync<long>("SELECT count(*) FROM tokens WHERE tenant_id = @TenantId", new { TenantId = tenantId });

    /// <summary>Overwrites one row's ciphertext with another row's, as someone with write access to the table could.</summary>
    public async Task CopyCiphertextAsync(string fromTenant, string fromTokenId, string toTenant, string toTokenId)
    {
        var copied = await ExecuteAsync(
            "UPDATE tokens SET ciphertext = (SELECT ciphertext FROM tokens WHERE tenant_id = @FromTenant AND token_id = @FromTokenId) WHERE tenant_id = @ToTenant AND token_id = @ToTokenId",
            new { FromTenant = fromTenant, FromTokenId = fromTokenId, ToTenant = toTenant, ToTokenId = toTokenId });
        Assert.That(copied, Is.EqualTo(1), "one row overwritten");
    }

    /// <summary>Every audit row of the database as text (tenant, actor, action, outcome, detail), for leak checks.</summary>
    public async Task<string> AuditTextAsync()
    {
        var rows = await QueryAsync<(string, string, string, string, string)>(
            "SELECT tenant_id, actor, action, outcome, detail FROM audit_events");
        return string.Join('\n', rows.Select(r => $"{r.Item1}|{r.Item2}|{r.Item3}|{r.Item4}|{r.Item5}"));
    }

    /// <summary>Runs <paramref name="tamper"/> with the append-only guard on audit_events lifted, then restores it.</summary>
    public abstract Task WithoutAppendOnlyGuardAsync(Func<Task> tamper);

    /// <summary>Makes every audit append fail until the result is disposed: the table is renamed away.</summary>
    public async Task<IAsyncDisposable> BreakAuditWritesAsync()
    {
        await ExecuteAsync("ALTER TABLE audit_events RENAME TO audit_events_away");
        return new Restore(() => ExecuteAsync("ALTER TABLE audit_events_away RENAME TO audit_events"));
    }

    /// <summary>Everything the database holds, as bytes: a dump (PostgreSQL) or the files (SQLite).</summary>
    public abstract Task<byte[]> DumpAsync();

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        Kek.Dispose();
    }

    protected abstract Task<DbConnection> OpenRawAsync();

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}

/// <summary>One vault replica: a runtime on its own store, sharing the fixture's KEK provider.</summary>
internal sealed class Replica(VaultRuntime runtime, IVaultStore store) : IAsyncDisposable
{
    private int _disposed;

    public VaultRuntime Runtime => runtime;

    public IVaultStore Store => store;

    public PseudonymService Pseudonyms => runtime.Pseudonyms;

    public KeyAdministration Keys => runtime.Keys;

    public AuditQueries Audit => runtime.Audit;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await runtime.DisposeAsync();
            await store.DisposeAsync();
        }
    }
}
