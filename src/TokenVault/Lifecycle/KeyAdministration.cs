using System.Security.Cryptography;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Lifecycle;

/// <summary>A tenant's key inventory: names, versions, states and counts; never key material.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="State">Active, disabled, destroyed, or not created (only unused KEK versions exist).</param>
/// <param name="KekRef">The KEK's name in the provider.</param>
/// <param name="KekVersion">The KEK version the data keys are wrapped under (0 when not created).</param>
/// <param name="KekProvider">The provider kind, "local-development-only" for the local one.</param>
/// <param name="DekVersion">The current value DEK version.</param>
/// <param name="FingerprintKeyVersion">The current fingerprint key version.</param>
/// <param name="Rows">Token rows.</param>
/// <param name="RowsBelowCurrentDek">Token rows sealed under an older DEK (the re-encryption backlog).</param>
/// <param name="CreatedAt">When the tenant was created.</param>
/// <param name="UnusedKekVersions">KEK versions the provider holds above <paramref name="KekVersion"/>: left by a failed
/// creation, rotation or import (generated, imported, disabled or destroyed, but never the tenant's), with their state.
/// A later rotation takes up a generated one; all go with the tenant's destruction.</param>
public sealed record TenantKeyInventory(
    string TenantId,
    TenantState State,
    string KekRef,
    int KekVersion,
    string KekProvider,
    int DekVersion,
    int FingerprintKeyVersion,
    long Rows,
    long RowsBelowCurrentDek,
    DateTimeOffset CreatedAt,
    KekVersionList UnusedKekVersions)
{
    /// <summary>The state as admins read it: "active", "disabled", "destroyed" or "not_created".</summary>
    public string StateName => State == TenantState.NotCreated ? "not_created" : State.ToString().ToLowerInvariant();
}

/// <summary>KEK versions as a provider describes them (never key material), equal when their entries are.</summary>
public sealed class KekVersionList(IEnumerable<KekInfo> versions) : IReadOnlyList<KekInfo>, IEquatable<KekVersionList>
{
    private readonly KekInfo[] _versions = [.. versions];

    /// <inheritdoc/>
    public int Count => _versions.Length;

    /// <inheritdoc/>
    public KekInfo this[int index] => _versions[index];

    /// <inheritdoc/>
    public IEnumerator<KekInfo> GetEnumerator() => ((IEnumerable<KekInfo>)_versions).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _versions.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(KekVersionList? other) => other is not null && _versions.SequenceEqual(other._versions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as KekVersionList);

    /// <inheritdoc/>
    public override int GetHashCode() => _versions.Length;

    /// <summary>"v3 enabled generated, v4 disabled imported".</summary>
    public override string ToString() => string.Join(", ", _versions.Select(v =>
        $"v{v.Id.Version} {v.State.ToString().ToLowerInvariant()} {v.Origin.ToString().ToLowerInvariant()}"));
}

/// <summary>
/// The security admins' key lifecycle: create, BYOK import, KEK and DEK rotation, the kill switch, dual-control
/// destruction and the inventory. Every operation needs the key-admin role and is audited, refusals included.
/// </summary>
/// <remarks>
/// <para>
/// Key admins manage keys but never see values: this class has no path to plaintext. KEK rotation re-wraps the
/// few data keys and re-encrypts no value. The kill switch is a database state every replica observes (change
/// notification, or re-validation within <see cref="VaultOptions.StateRevalidation"/>), backed by disabling the
/// KEK in the provider too.
/// </para>
/// <para>
/// A key change is on the record before it happens: its intent is written before it changes the store or the
/// provider, and when that record cannot be written the change does not start (fail closed, UNAVAILABLE). Its outcome
/// follows, naming the intent (<see cref="AuditOutcome"/>). A change can therefore never be missing from the trail;
/// at worst its outcome is (the trail could not be written after it), and then the call fails UNAVAILABLE and
/// verification reports the intent as "outcome unknown". The inventory and import keys change no key and keep one
/// record, written after.
/// </para>
/// </remarks>
public sealed partial class KeyAdministration
{
    public const string DestroyAction = "kek.destroy";

    /// <summary>The longest reason a disable or enable takes.</summary>
    public const int MaxReasonLength = 200;
    private const string ListAction = "keys.list";

    private readonly IVaultStore _store;
    private readonly IKekProvider _kek;
    private readonly TenantKeyring _keyring;
    private readonly AuditTrail _audit;
    private readonly VaultOptions _options;
    private readonly TimeProvider _time;

    internal KeyAdministration(IVaultStore store, IKekProvider kek, TenantKeyring keyring, AuditTrail audit, VaultOptions options, TimeProvider time)
    {
        _store = store;
        _kek = kek;
        _keyring = keyring;
        _audit = audit;
        _options = options;
        _time = time;
    }

    /// <summary>Which tenants a key change applies to, checked before its intent is recorded: an operation on an unknown
    /// tenant is one refusal on the system chain (an unknown tenant gets no chain of its own), a creation of a tenant
    /// that exists one on its chain.</summary>
    private enum Applies
    {
        ExistingTenant,
        NewTenant,
        AnyTenant,
    }

    public string ProviderKind => _kek.IsDevelopmentOnly ? "local-development-only" : _kek.Kind;

    public int RequiredApprovals => _options.DestroyApprovals;

    /// <summary>Creates a tenant whose first KEK is generated inside the provider.</summary>
    public Task<TenantKeyInventory> CreateTenantAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "tenant.create", Applies.NewTenant, arguments: null, async detail =>
        {
            var kek = GenerateKek(tenantId, current: 0, detail);
            await CreateWithKekAsync(tenantId, kek, KekOrigin.Generated, detail, cancellationToken).ConfigureAwait(false);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The RSA public key a customer wraps key material under for this tenant.</summary>
    public Task<ImportPublicKey> GetImportKeyAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default) =>
        RecordAfterAsync(caller, tenantId, "kek.import_key", detail =>
        {
            var key = Provider(() => _kek.GetImportPublicKey(tenantId));
            detail.Add("expires_at", key.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            return Task.FromResult(key);
        });

    /// <summary>Imports customer key material: the first KEK of a new tenant, or the next KEK version of an existing
    /// one (data keys re-wrapped under it).</summary>
    public Task<TenantKeyInventory> ImportKeyAsync(Caller caller, string tenantId, ImportKeyId importKeyId, ImportWrapping wrapping, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default) =>
        ImportKeyAsync(caller, tenantId, () => (importKeyId, wrapping), wrappedKey, cancellationToken);

    /// <summary>The same, with the import key ID and the wrapping as the wire spells them (<see cref="WrappingNames"/>):
    /// a malformed one is refused, and recorded, like any other refusal.</summary>
    public Task<TenantKeyInventory> ImportKeyAsync(Caller caller, string tenantId, string importKeyId, string wrapping, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken = default) =>
        ImportKeyAsync(caller, tenantId, () =>
        {
            if (!WrappingNames.TryParse(wrapping, out var parsed))
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "wrapping is not one the vault accepts.", "unknown_wrapping");
            }

            try
            {
                return (new ImportKeyId(importKeyId), parsed);
            }
            catch (ArgumentException ex)
            {
                throw new VaultException(VaultErrorKind.InvalidArgument, "import_key_id is 32 lower-case hex digits.", "invalid_import_key_id", ex);
            }
        }, wrappedKey, cancellationToken);

    private Task<TenantKeyInventory> ImportKeyAsync(Caller caller, string tenantId, Func<(ImportKeyId Id, ImportWrapping Wrapping)> arguments, ReadOnlyMemory<byte> wrappedKey, CancellationToken cancellationToken)
    {
        (ImportKeyId Id, ImportWrapping Wrapping) parsed = default;
        return ChangeAsync(caller, tenantId, "kek.import", Applies.AnyTenant, detail =>
        {
            parsed = arguments();
            detail.Add("wrapping", parsed.Wrapping.ToString());
        }, async detail =>
        {
            var tenant = await Stored(() => _store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            if (tenant is null)
            {
                var kek = ImportTarget(tenantId, current: 0);
                Provider(() => _kek.Import(kek, parsed.Id, wrappedKey.Span, parsed.Wrapping));
                await CreateWithKekAsync(tenantId, kek, KekOrigin.Imported, detail, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                RequireActive(tenant);
                var next = ImportTarget(tenant.KekRef, tenant.KekVersion);
                Provider(() => _kek.Import(next, parsed.Id, wrappedKey.Span, parsed.Wrapping));
                await RewrapAsync(tenant, next, detail, cancellationToken).ConfigureAwait(false);
            }

            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>New KEK version generated in the provider; every data key re-wrapped; no value re-encrypted. A rotation
    /// that failed after generating its version is resumed with it (<see cref="GenerateKek"/>).</summary>
    public Task<TenantKeyInventory> RotateKekAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "kek.rotate", Applies.ExistingTenant, arguments: null, async detail =>
        {
            var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            RequireActive(tenant);
            var next = GenerateKek(tenant.KekRef, tenant.KekVersion, detail);
            await RewrapAsync(tenant, next, detail, cancellationToken).ConfigureAwait(false);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>New value DEK version: new writes use it at once; the re-encryption job moves older rows to it.</summary>
    public Task<TenantKeyInventory> RotateDekAsync(Caller caller, string tenantId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "dek.rotate", Applies.ExistingTenant, arguments: null, async detail =>
        {
            var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            RequireActive(tenant);
            var keys = await Stored(() => _store.GetDataKeysAsync(tenantId, cancellationToken)).ConfigureAwait(false);
            var version = keys.Where(k => k.Purpose == DataKeyPurpose.Value).Select(k => k.Version).DefaultIfEmpty(0).Max() + 1;
            var record = NewDataKey(tenant.TenantId, new KekId(tenant.KekRef, tenant.KekVersion), DataKeyPurpose.Value, version);
            await Stored(() => Done(_store.AddDataKeyAsync(record, cancellationToken))).ConfigureAwait(false);
            _keyring.Invalidate(tenantId);
            detail.Add("dek_version", version).Add("kek_version", tenant.KekVersion);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The kill switch: every Tokenize and Detokenize of the tenant fails, on every replica, until enabled.</summary>
    /// <param name="caller">A key admin.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="reason">Why, for the audit trail (intent and outcome); null or empty for none. Admin-typed free text:
    /// at most <see cref="MaxReasonLength"/> printable ASCII characters, and never a data value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<TenantKeyInventory> DisableAsync(Caller caller, string tenantId, string? reason = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "kek.disable", Applies.ExistingTenant, ReasonArgument(reason), async detail =>
        {
            var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            RequireNotDestroyed(tenant);
            await Stored(() => Done(_store.SetTenantStateAsync(tenantId, TenantState.Disabled, cancellationToken))).ConfigureAwait(false);
            _keyring.Invalidate(tenantId);

            // Defence in depth: the provider refuses the KEK too, so a restored database row alone enables nothing.
            Provider(() => _kek.Disable(new KekId(tenant.KekRef, tenant.KekVersion)));
            detail.Add("kek_version", tenant.KekVersion);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Lifts the kill switch; <paramref name="reason"/> as for <see cref="DisableAsync"/>.</summary>
    public Task<TenantKeyInventory> EnableAsync(Caller caller, string tenantId, string? reason = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "kek.enable", Applies.ExistingTenant, ReasonArgument(reason), async detail =>
        {
            var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            RequireNotDestroyed(tenant);
            Provider(() => _kek.Enable(new KekId(tenant.KekRef, tenant.KekVersion)));
            await Stored(() => Done(_store.SetTenantStateAsync(tenantId, TenantState.Active, cancellationToken))).ConfigureAwait(false);
            _keyring.Invalidate(tenantId);
            detail.Add("kek_version", tenant.KekVersion);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Records the caller's approval of destroying the tenant's KEK under <paramref name="requestId"/>;
    /// returns how many distinct admins approved so far. A destroyed tenant takes approvals too, for finishing a
    /// destruction the provider failed (<see cref="DestroyAsync"/>).</summary>
    public Task<int> ApproveDestroyAsync(Caller caller, string tenantId, string requestId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, "kek.destroy.approve", Applies.ExistingTenant, RequestArgument(requestId), async detail =>
        {
            var approval = new ApprovalRecord(tenantId, DestroyAction, requestId, caller.Subject, _time.GetUtcNow());
            var added = await Stored(() => _store.AddApprovalAsync(approval, cancellationToken)).ConfigureAwait(false);
            var approvals = await CurrentApprovalsAsync(tenantId, requestId, cancellationToken).ConfigureAwait(false);
            detail.Add("approvals", approvals).Add("new_approval", added);
            return approvals;
        }, cancellationToken);

    /// <summary>Destroys every KEK version of the tenant and its data keys and token rows (cryptographic erasure),
    /// once <see cref="VaultOptions.DestroyApprovals"/> distinct key admins approved <paramref name="requestId"/>.
    /// On a tenant already destroyed it finishes the provider half, which a failed attempt may have left undone.</summary>
    public Task<TenantKeyInventory> DestroyAsync(Caller caller, string tenantId, string requestId, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, tenantId, DestroyAction, Applies.ExistingTenant, RequestArgument(requestId), async detail =>
        {
            var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
            var approvals = await CurrentApprovalsAsync(tenantId, requestId, cancellationToken).ConfigureAwait(false);
            detail.Add("approvals", approvals);
            if (approvals < _options.DestroyApprovals)
            {
                throw new VaultException(VaultErrorKind.FailedPrecondition, $"Destroying a key needs approvals by {_options.DestroyApprovals} distinct key admins.", "approvals_missing");
            }

            // The database first: every replica stops at once, then the key material goes: every version up to the
            // tenant's, and the versions failed rotations or imports left above it. When the provider fails half-way the
            // tenant is destroyed in the database but not yet in the provider; the next call, still under the request's
            // approvals, skips the database half and destroys what is left (the provider's destroy is idempotent).
            if (tenant.State == TenantState.Destroyed)
            {
                detail.Add("resumed", true);
            }
            else
            {
                await Stored(() => Done(_store.DestroyTenantDataAsync(tenantId, cancellationToken))).ConfigureAwait(false);
                _keyring.Invalidate(tenantId);
            }

            var highest = LastLeftover(tenant.KekRef, tenant.KekVersion)?.Id.Version ?? tenant.KekVersion;
            for (var version = 1; version <= highest; version++)
            {
                var kek = new KekId(tenant.KekRef, version);
                Provider(() =>
                {
                    try
                    {
                        _kek.Destroy(kek);
                    }
                    catch (KeyUnavailableException ex) when (ex.Reason == KeyUnavailableReason.NotFound)
                    {
                        // A version the provider never held (an import that failed half-way): nothing to destroy.
                    }
                });
            }

            detail.Add("kek_versions_destroyed", highest);
            return await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Key inventories of one tenant (or all when <paramref name="tenantId"/> is null, recorded on the system
    /// chain), each with the KEK versions failed attempts left in the provider. A name whose creation failed after the
    /// provider made its KEK is listed too, as <see cref="TenantState.NotCreated"/> with those versions: found through its
    /// audit chain (the creation's intent is on it) and the provider.</summary>
    public async Task<IReadOnlyList<TenantKeyInventory>> ListAsync(Caller caller, string? tenantId, CancellationToken cancellationToken = default)
    {
        if (tenantId is not null)
        {
            return await RecordAfterAsync<IReadOnlyList<TenantKeyInventory>>(caller, tenantId, ListAction, async _ =>
                [await Stored(() => _store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false) is null && NotCreated(tenantId) is { } uncreated
                    ? uncreated
                    : await InventoryAsync(tenantId, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
        }

        ArgumentNullException.ThrowIfNull(caller);
        try
        {
            caller.Require(VaultRoles.KeyAdmin);
            var tenants = await Stored(() => _store.ListTenantsAsync(cancellationToken)).ConfigureAwait(false);
            var result = new List<TenantKeyInventory>(tenants.Count);
            foreach (var tenant in tenants)
            {
                result.Add(await InventoryAsync(tenant.TenantId, cancellationToken).ConfigureAwait(false));
            }

            var known = tenants.Select(t => t.TenantId).ToHashSet(StringComparer.Ordinal);
            foreach (var chain in await Stored(() => _store.ListAuditTenantsAsync(cancellationToken)).ConfigureAwait(false))
            {
                if (!known.Contains(chain) && PseudonymService.IsValidTenantId(chain) && NotCreated(chain) is { } uncreated)
                {
                    result.Add(uncreated);
                }
            }

            result.Sort((a, b) => string.CompareOrdinal(a.TenantId, b.TenantId));
            await _audit.WriteAsync(AuditTrail.SystemTenant, caller, ListAction, "ok", new AuditDetail().Add("tenants", result.Count)).ConfigureAwait(false);
            return result;
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(null, caller, ListAction, ex, new AuditDetail()).ConfigureAwait(false);
            throw;
        }
    }

    internal async Task<TenantKeyInventory> InventoryAsync(string tenantId, CancellationToken cancellationToken)
    {
        var tenant = await RequireTenantAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var keys = await Stored(() => _store.GetDataKeysAsync(tenantId, cancellationToken)).ConfigureAwait(false);
        var dek = keys.Where(k => k.Purpose == DataKeyPurpose.Value && k.RetiredAt is null).Select(k => k.Version).DefaultIfEmpty(0).Max();
        var fingerprint = keys.Where(k => k.Purpose == DataKeyPurpose.Fingerprint && k.RetiredAt is null).Select(k => k.Version).DefaultIfEmpty(0).Max();
        var counts = await Stored(() => _store.CountTokensAsync(tenantId, Math.Max(dek, 1), cancellationToken)).ConfigureAwait(false);
        var unused = new KekVersionList(Provider(() => _kek.List(tenant.KekRef)).Where(v => v.Id.Version > tenant.KekVersion));
        return new TenantKeyInventory(tenant.TenantId, tenant.State, tenant.KekRef, tenant.KekVersion, ProviderKind, dek, fingerprint, counts.Total, counts.BelowDekVersion, tenant.CreatedAt, unused);
    }

    /// <summary>The inventory of a name the store has no tenant for but the provider holds KEK versions of (a creation
    /// or first import that failed after the provider made its KEK; the tenant's KEK is named after it); null when the
    /// provider holds none.</summary>
    private TenantKeyInventory? NotCreated(string tenantId)
    {
        var versions = Provider(() => _kek.List(tenantId));
        return versions.Count == 0
            ? null
            : new TenantKeyInventory(tenantId, TenantState.NotCreated, tenantId, 0, ProviderKind, 0, 0, 0, 0, DateTimeOffset.MinValue, new KekVersionList(versions));
    }

    private async Task CreateWithKekAsync(string tenantId, KekId kek, KekOrigin origin, AuditDetail detail, CancellationToken cancellationToken)
    {
        var tenant = new TenantRecord(tenantId, kek.Name, kek.Version, TenantState.Active, _time.GetUtcNow());
        var keys = new[] { NewDataKey(tenantId, kek, DataKeyPurpose.Value, 1), NewDataKey(tenantId, kek, DataKeyPurpose.Fingerprint, 1) };
        if (!await Stored(() => _store.CreateTenantAsync(tenant, keys, cancellationToken)).ConfigureAwait(false))
        {
            throw TenantExists();
        }

        detail.Add("kek_version", kek.Version).Add("kek_origin", origin.ToString().ToLowerInvariant()).Add("provider", ProviderKind);
    }

    private async Task RewrapAsync(TenantRecord tenant, KekId next, AuditDetail detail, CancellationToken cancellationToken)
    {
        var current = new KekId(tenant.KekRef, tenant.KekVersion);
        var keys = await Stored(() => _store.GetDataKeysAsync(tenant.TenantId, cancellationToken)).ConfigureAwait(false);
        var rewrapped = new List<DataKeyRecord>(keys.Count);
        foreach (var key in keys)
        {
            var aad = DataKeyAad.For(tenant.TenantId, key.Purpose, key.Version);
            var raw = Provider(() => _kek.Unwrap(new KekId(tenant.KekRef, key.KekVersion), key.WrappedKey, aad));
            try
            {
                rewrapped.Add(key with { WrappedKey = Provider(() => _kek.Wrap(next, raw, aad)), KekVersion = next.Version });
            }
            finally
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }

        if (!await Stored(() => _store.RewrapDataKeysAsync(tenant.TenantId, current.Version, next.Version, rewrapped, cancellationToken)).ConfigureAwait(false))
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's KEK changed during the operation; retry.", "concurrent_rotation");
        }

        _keyring.Invalidate(tenant.TenantId);
        detail.Add("kek_version", next.Version).Add("previous_kek_version", current.Version).Add("data_keys_rewrapped", rewrapped.Count);
    }

    private DataKeyRecord NewDataKey(string tenantId, KekId kek, DataKeyPurpose purpose, int version)
    {
        using var key = SecretKey.Generate();
        var wrapped = Provider(() => _kek.Wrap(kek, key.Span, DataKeyAad.For(tenantId, purpose, version)));
        return new DataKeyRecord(tenantId, purpose, version, wrapped, kek.Version, _time.GetUtcNow(), null);
    }

    private async Task<int> CurrentApprovalsAsync(string tenantId, string requestId, CancellationToken cancellationToken)
    {
        var since = _time.GetUtcNow() - _options.ApprovalLifetime;
        var approvals = await Stored(() => _store.GetApprovalsAsync(tenantId, DestroyAction, cancellationToken)).ConfigureAwait(false);
        return approvals.Where(a => a.RequestId == requestId && a.ApprovedAt >= since).Select(a => a.Approver).Distinct(StringComparer.Ordinal).Count();
    }

    private async Task<TenantRecord> RequireTenantAsync(string tenantId, CancellationToken cancellationToken) =>
        await Stored(() => _store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false)
            ?? throw new VaultException(VaultErrorKind.TenantNotFound, "The tenant does not exist.", "unknown_tenant");

    private static void RequireNotDestroyed(TenantRecord tenant)
    {
        if (tenant.State == TenantState.Destroyed)
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's key was destroyed.", "key_destroyed");
        }
    }

    /// <summary>Key changes need a usable KEK. A disabled tenant's is refused at the provider, but only after a rotation
    /// or import made the next KEK version there: refusing first leaves nothing behind.</summary>
    private static void RequireActive(TenantRecord tenant)
    {
        RequireNotDestroyed(tenant);
        if (tenant.State == TenantState.Disabled)
        {
            throw new VaultException(VaultErrorKind.FailedPrecondition, "The tenant's key is disabled.", "key_disabled");
        }
    }

    /// <summary>Checks an admin's free-text reason and puts it on the record (intent and outcome). Only its shape is
    /// checked: the vault cannot tell a data value typed into it, so the admin must not type one (documented with the
    /// field). A refusal names the field, never echoes it.</summary>
    private static Action<AuditDetail>? ReasonArgument(string? reason) => string.IsNullOrEmpty(reason) ? null : detail =>
    {
        if (reason.Length > MaxReasonLength || !reason.All(c => c is >= ' ' and <= '~'))
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, $"reason must be at most {MaxReasonLength} printable ASCII characters (no control characters).", "invalid_reason");
        }

        detail.Add("reason", reason);
    };

    /// <summary>Checks a dual-control request ID and puts it on the record (intent and outcome).</summary>
    private static Action<AuditDetail> RequestArgument(string requestId) => detail =>
    {
        if (string.IsNullOrEmpty(requestId) || requestId.Length > 64 || !requestId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new VaultException(VaultErrorKind.InvalidArgument, "request_id must be 1-64 characters of letters, digits, '-', '_' or '.'.", "invalid_request_id");
        }

        detail.Add("request_id", requestId);
    };

    /// <summary>The KEK version a rotation or creation moves the tenant to, above <paramref name="current"/> (0 for a new
    /// tenant): generated in the provider now, or the one a failed attempt generated there and left.</summary>
    /// <remarks>
    /// An attempt that fails after generating its version (the re-wrap or the store failed) leaves it in the provider
    /// while the tenant stays at <paramref name="current"/>. Nothing is wrapped under it: the store writes the data keys
    /// and the tenant's version in one transaction, and new data keys are wrapped under the tenant's version. The next attempt takes it up when the provider generated it inside and it never left — enabled,
    /// generated, always sensitive and never extractable (on the development provider, whose keys are files anyway,
    /// generated is enough): its material exists nowhere else, so it is as good as a key generated now, and two
    /// concurrent attempts that both take it up still end in one rotation (the store's version check). Anything else
    /// there (imported material of a failed BYOK import, a version disabled or destroyed out of band) is left alone
    /// and the new version goes above it. Destroying it instead would let one admin, or whoever rolled the tenant row
    /// back, erase key material without the approvals destruction needs; and a destroyed version can never be made
    /// again, so "destroy and recreate" could only ever recreate at the next version anyway. What is left over is
    /// destroyed with the tenant (<see cref="DestroyAsync"/>).
    /// </remarks>
    private KekId GenerateKek(string name, int current, AuditDetail detail)
    {
        var leftover = LastLeftover(name, current);
        if (leftover is { State: KekState.Enabled, Origin: KekOrigin.Generated } && (_kek.IsDevelopmentOnly || (leftover.AlwaysSensitive && leftover.NeverExtractable)))
        {
            detail.Add("kek_reused", true);
            return leftover.Id;
        }

        var next = new KekId(name, (leftover?.Id.Version ?? current) + 1);
        Provider(() => _kek.Create(next));
        return next;
    }

    /// <summary>Where imported key material goes: the first version above <paramref name="current"/> the provider does not
    /// hold. A failed import's version is never taken up: the import key is single-use, so a retry brings material the
    /// vault cannot tell from what the failed attempt left (see <see cref="GenerateKek"/>).</summary>
    private KekId ImportTarget(string name, int current) => new(name, (LastLeftover(name, current)?.Id.Version ?? current) + 1);

    /// <summary>The highest of the versions the provider holds right above <paramref name="current"/> (current + 1,
    /// current + 2, … up to the first it does not hold), destroyed ones included; null when it holds none.</summary>
    private KekInfo? LastLeftover(string name, int current)
    {
        KekInfo? last = null;
        for (var version = current + 1; Provider(() => DescribeOrNull(new KekId(name, version))) is { } info; version++)
        {
            last = info;
        }

        return last;
    }

    private KekInfo? DescribeOrNull(KekId kek)
    {
        try
        {
            return _kek.Describe(kek);
        }
        catch (KeyUnavailableException ex) when (ex.Reason == KeyUnavailableReason.NotFound)
        {
            return null;
        }
    }

    /// <summary>An operation that changes no key or tenant state (the inventory, an import key, which changes nothing
    /// until it is used): one record, after it, or of its refusal.</summary>
    private async Task<T> RecordAfterAsync<T>(Caller caller, string tenantId, string action, Func<AuditDetail, Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var detail = new AuditDetail();
        try
        {
            caller.Require(VaultRoles.KeyAdmin);
            PseudonymService.ValidateTenantId(tenantId);
            var result = await operation(detail).ConfigureAwait(false);
            await _audit.WriteAsync(tenantId, caller, action, "ok", detail).ConfigureAwait(false);
            return result;
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(tenantId, caller, action, ex, detail).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A key change, on the record before and after it.</summary>
    /// <remarks>
    /// First the checks that need no change: role, tenant ID, <paramref name="arguments"/> (which also put the
    /// request's payload-free arguments into the detail) and whether the tenant exists as <paramref name="applies"/>
    /// says; a refusal there is one "refused:&lt;reason&gt;" record. Then the intent, outcome "started": when it cannot be
    /// written the call fails UNAVAILABLE before <paramref name="change"/> touched the store or the provider. Then the
    /// change, and its outcome, "ok" or "failed:&lt;reason&gt;", with the intent's seq. When the "ok" cannot be written the
    /// change has happened, but the call still fails UNAVAILABLE: a caller must not take for done what the trail shows
    /// only as started, and verification reports that intent as "outcome unknown". A failure's outcome that cannot be
    /// written changes nothing for the caller, who gets the failure either way.
    /// </remarks>
    private async Task<T> ChangeAsync<T>(Caller caller, string tenantId, string action, Applies applies, Action<AuditDetail>? arguments, Func<AuditDetail, Task<T>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var detail = new AuditDetail();
        try
        {
            caller.Require(VaultRoles.KeyAdmin);
            PseudonymService.ValidateTenantId(tenantId);
            arguments?.Invoke(detail);
            var exists = await Stored(() => _store.GetTenantAsync(tenantId, cancellationToken)).ConfigureAwait(false) is not null;
            if (applies == Applies.ExistingTenant && !exists)
            {
                throw new VaultException(VaultErrorKind.TenantNotFound, "The tenant does not exist.", "unknown_tenant");
            }

            if (applies == Applies.NewTenant && exists)
            {
                throw TenantExists();
            }
        }
        catch (VaultException ex)
        {
            await _audit.WriteRefusalAsync(tenantId, caller, action, ex, detail).ConfigureAwait(false);
            throw;
        }

        var intent = await _audit.WriteAsync(tenantId, caller, action, AuditOutcome.Started, detail).ConfigureAwait(false);
        detail.Add(AuditOutcome.IntentSeq, intent);
        T result;
        try
        {
            result = await change(detail).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _audit.TryWriteAsync(tenantId, caller, action, "failed:" + AuditOutcome.FailureReason(ex), detail).ConfigureAwait(false);
            throw;
        }

        await _audit.WriteAsync(tenantId, caller, action, "ok", detail).ConfigureAwait(false);
        return result;
    }

    private static VaultException TenantExists() => new(VaultErrorKind.AlreadyExists, "The tenant exists already.", "tenant_exists");

    private static T Provider<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (KeyUnavailableException ex)
        {
            throw FromProvider(ex);
        }
    }

    private static void Provider(Action call) => Provider(() =>
    {
        call();
        return true;
    });

    private static VaultException FromProvider(KeyUnavailableException ex) => ex.Reason switch
    {
        KeyUnavailableReason.AlreadyExists => new VaultException(VaultErrorKind.AlreadyExists, ex.Message, "kek_exists", ex),
        KeyUnavailableReason.NotFound => new VaultException(VaultErrorKind.FailedPrecondition, ex.Message, "kek_not_found", ex),
        KeyUnavailableReason.Disabled => new VaultException(VaultErrorKind.FailedPrecondition, ex.Message, "kek_disabled", ex),
        KeyUnavailableReason.Destroyed => new VaultException(VaultErrorKind.FailedPrecondition, ex.Message, "kek_destroyed", ex),
        KeyUnavailableReason.Expired => new VaultException(VaultErrorKind.FailedPrecondition, ex.Message, "import_key_expired", ex),
        KeyUnavailableReason.NotSupported => new VaultException(VaultErrorKind.InvalidArgument, ex.Message, "wrapping_not_supported", ex),
        KeyUnavailableReason.IntegrityCheckFailed => new VaultException(VaultErrorKind.InvalidArgument, ex.Message, "integrity_check_failed", ex),
        KeyUnavailableReason.PolicyViolation => new VaultException(VaultErrorKind.InvalidArgument, ex.Message, "key_policy", ex),
        _ => new VaultException(VaultErrorKind.Unavailable, ex.Message, "provider_unavailable", ex),
    };

    private static Task<T> Stored<T>(Func<Task<T>> call) => TenantKeyring.Stored(call);

    private static async Task<bool> Done(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }
}
